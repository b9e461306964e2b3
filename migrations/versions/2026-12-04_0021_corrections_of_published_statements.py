"""corrections of published statements

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'statement_correction',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('statement_id', sa.Integer(), nullable=False),
        sa.Column('previous_revision_id', sa.Integer(), nullable=False),
        sa.Column('revision_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.String(length=200), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['statement_id'], ['statement.id'],
                                name=op.f('fk_statement_correction_statement_id_statement'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['previous_revision_id'], ['revision.id'],
                                name=op.f('fk_statement_correction_previous_revision_id_revision'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['revision_id'], ['revision.id'],
                                name=op.f('fk_statement_correction_revision_id_revision'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'],
                                name=op.f('fk_statement_correction_actor_id_user_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_correction')),
    )
    op.create_index('ix_statement_correction_statement', 'statement_correction', ['statement_id', 'created_at'],
                    unique=False)


def downgrade():
    op.drop_index('ix_statement_correction_statement', table_name='statement_correction')
    op.drop_table('statement_correction')
