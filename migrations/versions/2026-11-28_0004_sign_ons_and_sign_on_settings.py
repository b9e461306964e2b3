"""sign-ons and sign-on settings

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 15:59:21.276196

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('signon',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('organization_name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('first_word', sa.String(length=60), nullable=False),
    sa.Column('sort_key', sa.String(length=200), nullable=False),
    sa.Column('acronym', sa.String(length=30), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('country_sort', sa.String(length=80), nullable=False),
    sa.Column('org_type', sa.String(length=20), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=True),
    sa.Column('contact_name', sa.String(length=120), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('email_key', sa.String(length=254), nullable=False),
    sa.Column('email_domain', sa.String(length=254), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('authorized', sa.Boolean(), nullable=False),
    sa.Column('consent_to_contact', sa.Boolean(), nullable=False),
    sa.Column('visibility', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('confirm_nonce', sa.String(length=32), nullable=False),
    sa.Column('withdraw_nonce', sa.String(length=32), nullable=False),
    sa.Column('reconfirm_revision_id', sa.Integer(), nullable=True),
    sa.Column('possible_duplicate_of_id', sa.Integer(), nullable=True),
    sa.Column('duplicate_reason', sa.String(length=120), nullable=True),
    sa.Column('moderation_note', sa.String(length=1000), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_signon_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['possible_duplicate_of_id'], ['signon.id'], name=op.f('fk_signon_possible_duplicate_of_id_signon'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reconfirm_revision_id'], ['revision.id'], name=op.f('fk_signon_reconfirm_revision_id_revision'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revision_id'], ['revision.id'], name=op.f('fk_signon_revision_id_revision'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], name=op.f('fk_signon_statement_id_statement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signon'))
    )
    with op.batch_alter_table('signon', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signon_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_signon_public_list', ['statement_id', 'status', 'country_sort', 'sort_key'], unique=False)
        batch_op.create_index('ix_signon_statement_domain', ['statement_id', 'email_domain'], unique=False)
        batch_op.create_index('ix_signon_statement_email_key', ['statement_id', 'email_key'], unique=False)
        batch_op.create_index('ix_signon_statement_first_word', ['statement_id', 'first_word'], unique=False)
        batch_op.create_index('ix_signon_statement_status', ['statement_id', 'status'], unique=False)
        batch_op.create_index('uq_signon_active_name', ['statement_id', 'name_key'], unique=True, sqlite_where=sa.text("status IN ('pending', 'confirmed', 'approved')"), postgresql_where=sa.text("status IN ('pending', 'confirmed', 'approved')"))

    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signon_deadline', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('signon_timezone', sa.String(length=64), server_default='UTC', nullable=False))
        batch_op.add_column(sa.Column('signon_requires_approval', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('signon_closing_message', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('signon_list_hidden', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_column('signon_list_hidden')
        batch_op.drop_column('signon_closing_message')
        batch_op.drop_column('signon_requires_approval')
        batch_op.drop_column('signon_timezone')
        batch_op.drop_column('signon_deadline')

    with op.batch_alter_table('signon', schema=None) as batch_op:
        batch_op.drop_index('uq_signon_active_name', sqlite_where=sa.text("status IN ('pending', 'confirmed', 'approved')"), postgresql_where=sa.text("status IN ('pending', 'confirmed', 'approved')"))
        batch_op.drop_index('ix_signon_statement_status')
        batch_op.drop_index('ix_signon_statement_first_word')
        batch_op.drop_index('ix_signon_statement_email_key')
        batch_op.drop_index('ix_signon_statement_domain')
        batch_op.drop_index('ix_signon_public_list')
        batch_op.drop_index(batch_op.f('ix_signon_created_at'))

    op.drop_table('signon')
