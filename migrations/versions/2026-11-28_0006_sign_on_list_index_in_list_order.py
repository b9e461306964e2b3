"""sign-on list index in the list's order

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 17:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    # the public list orders by country, visibility, name and id: with all of them in the index a page of
    # the list is read in order instead of sorting every approved sign-on of the statement
    with op.batch_alter_table('signon', schema=None) as batch_op:
        batch_op.drop_index('ix_signon_public_list')
        batch_op.create_index('ix_signon_public_list',
                              ['statement_id', 'status', 'country_sort', 'visibility', 'sort_key', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('signon', schema=None) as batch_op:
        batch_op.drop_index('ix_signon_public_list')
        batch_op.create_index('ix_signon_public_list', ['statement_id', 'status', 'country_sort', 'sort_key'],
                              unique=False)
