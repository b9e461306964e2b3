"""mail written at delivery

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message') as batch:
        batch.add_column(sa.Column('writer', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('writer_args', sa.Text(), nullable=True))


def downgrade():
    # an older version cannot write a message queued to be written at delivery: it is set aside, said why
    op.execute("UPDATE outbox_message SET status = 'discarded', "
               "last_error = 'Not sent: queued to be written at delivery, which this version cannot do.' "
               "WHERE writer IS NOT NULL AND status = 'pending'")
    with op.batch_alter_table('outbox_message') as batch:
        batch.drop_column('writer_args')
        batch.drop_column('writer')
