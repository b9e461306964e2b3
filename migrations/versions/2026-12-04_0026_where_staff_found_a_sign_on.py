"""where staff found a sign-on they typed in, and the one-time key of its entry form

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('signon', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entered_from', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('entry_key', sa.String(length=40), nullable=True))
        batch_op.create_index('uq_signon_entry_key', ['entry_key'], unique=True)


def downgrade():
    with op.batch_alter_table('signon', schema=None) as batch_op:
        batch_op.drop_index('uq_signon_entry_key')
        batch_op.drop_column('entry_key')
        batch_op.drop_column('entered_from')
