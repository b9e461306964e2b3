"""partner links and sign-on goals

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 08:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'partner_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('statement_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('name_key', sa.String(length=120), nullable=False),
        sa.Column('token', sa.String(length=40), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('turned_off_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['statement_id'], ['statement.id'],
                                name=op.f('fk_partner_link_statement_id_statement'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_partner_link_created_by_id_user_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_partner_link')),
        sa.UniqueConstraint('token', name=op.f('uq_partner_link_token')),
    )
    op.create_index('uq_partner_link_statement_name', 'partner_link', ['statement_id', 'name_key'], unique=True)
    with op.batch_alter_table('signon', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partner_link_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_signon_partner_link_id_partner_link'), 'partner_link',
                                    ['partner_link_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signon_goal', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_column('signon_goal')
    with op.batch_alter_table('signon', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_signon_partner_link_id_partner_link'), type_='foreignkey')
        batch_op.drop_column('partner_link_id')
    op.drop_index('uq_partner_link_statement_name', table_name='partner_link')
    op.drop_table('partner_link')
