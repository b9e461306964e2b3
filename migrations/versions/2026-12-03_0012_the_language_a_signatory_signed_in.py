"""the language a signatory signed in, for the mail sent to them

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 20:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    # every sign-on so far was made on English pages
    with op.batch_alter_table('signon', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=10), nullable=False, server_default='en'))
    with op.batch_alter_table('signon', schema=None) as batch_op:
        batch_op.alter_column('language', server_default=None)


def downgrade():
    with op.batch_alter_table('signon', schema=None) as batch_op:
        batch_op.drop_column('language')
