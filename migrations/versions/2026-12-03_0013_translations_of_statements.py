"""translations of statements, and what each translated paragraph was last brought up to date with

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 20:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_statement_source_id'), ['source_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_statement_source_id_statement'), 'statement', ['source_id'],
                                    ['id'], ondelete='CASCADE')
    op.create_table(
        'translated_paragraph',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('translation_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('source_revision_id', sa.Integer(), nullable=False),
        sa.Column('source_text', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['source_revision_id'], ['revision.id'],
                                name=op.f('fk_translated_paragraph_source_revision_id_revision'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['translation_id'], ['statement.id'],
                                name=op.f('fk_translated_paragraph_translation_id_statement'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'],
                                name=op.f('fk_translated_paragraph_updated_by_id_user_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_translated_paragraph')),
        sa.UniqueConstraint('translation_id', 'position', name=op.f('uq_translated_paragraph_translation_id_position')),
    )


def downgrade():
    op.drop_table('translated_paragraph')
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_statement_source_id_statement'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_statement_source_id'))
        batch_op.drop_column('source_id')
