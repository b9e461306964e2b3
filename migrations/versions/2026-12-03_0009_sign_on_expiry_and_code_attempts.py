"""sign-on confirmation expiry, code attempts, and only approved sign-ons hold a name

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 19:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

ACTIVE = "status IN ('pending', 'confirmed', 'approved')"
APPROVED = "status = 'approved'"


def upgrade():
    with op.batch_alter_table('signon', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirm_sent_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('code_attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.drop_index('uq_signon_active_name', sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))
    # links sent before this revision expire as they always did: CONFIRM_DAYS after signing
    op.execute("UPDATE signon SET confirm_sent_at = created_at")
    with op.batch_alter_table('signon', schema=None) as batch_op:
        batch_op.alter_column('code_attempts', server_default=None)
        batch_op.create_index('uq_signon_approved_name', ['statement_id', 'name_key'], unique=True,
                              sqlite_where=sa.text(APPROVED), postgresql_where=sa.text(APPROVED))


def downgrade():
    with op.batch_alter_table('signon', schema=None) as batch_op:
        batch_op.drop_index('uq_signon_approved_name', sqlite_where=sa.text(APPROVED),
                            postgresql_where=sa.text(APPROVED))
    # several unconfirmed or held sign-ons may share a name now: keep the earliest, as before
    op.execute("UPDATE signon SET status = 'rejected' WHERE status IN ('pending', 'confirmed') AND EXISTS ("
               "SELECT 1 FROM signon other WHERE other.statement_id = signon.statement_id "
               "AND other.name_key = signon.name_key AND other.id < signon.id "
               "AND other.status IN ('pending', 'confirmed', 'approved'))")
    with op.batch_alter_table('signon', schema=None) as batch_op:
        batch_op.create_index('uq_signon_active_name', ['statement_id', 'name_key'], unique=True,
                              sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))
        batch_op.drop_column('code_attempts')
        batch_op.drop_column('confirm_sent_at')
