"""every way a new sign-on may repeat an earlier one, looked up in an index

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-05 02:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('signon', schema=None) as batch_op:
        batch_op.create_index('ix_signon_statement_name_key', ['statement_id', 'name_key'], unique=False)
        batch_op.create_index('ix_signon_statement_acronym', ['statement_id', 'acronym'], unique=False)


def downgrade():
    with op.batch_alter_table('signon', schema=None) as batch_op:
        batch_op.drop_index('ix_signon_statement_acronym')
        batch_op.drop_index('ix_signon_statement_name_key')
