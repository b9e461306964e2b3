"""people invited to translate one statement into one language

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('statement_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_invitation_statement_id_statement'), 'statement',
                                    ['statement_id'], ['id'], ondelete='CASCADE')
    op.create_table(
        'translator_grant',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('statement_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('invitation_id', sa.Integer(), nullable=True),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'],
                                name=op.f('fk_translator_grant_invitation_id_invitation'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['invited_by_id'], ['user_account.id'],
                                name=op.f('fk_translator_grant_invited_by_id_user_account'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['statement_id'], ['statement.id'],
                                name=op.f('fk_translator_grant_statement_id_statement'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_translator_grant_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_translator_grant')),
        sa.UniqueConstraint('statement_id', 'language', 'user_id',
                            name=op.f('uq_translator_grant_statement_id_language_user_id')),
    )
    with op.batch_alter_table('translator_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_translator_grant_statement_id'), ['statement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_translator_grant_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('translator_grant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_translator_grant_user_id'))
        batch_op.drop_index(batch_op.f('ix_translator_grant_statement_id'))
    op.drop_table('translator_grant')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invitation_statement_id_statement'), type_='foreignkey')
        batch_op.drop_column('language')
        batch_op.drop_column('statement_id')
