"""the notes the service writes on revisions, kept as what they say rather than in one language

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-05 15:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note_kind', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('note_args', sa.Text(), nullable=True))
    # the notes the service wrote before: every first revision, and every restore
    op.execute("UPDATE revision SET note_kind = 'first_draft' WHERE number = 1 AND note = 'First draft'")
    op.execute("UPDATE revision SET note_kind = 'restored' WHERE restored_from_number IS NOT NULL "
               "AND note = 'Restored revision ' || CAST(restored_from_number AS VARCHAR(20))")


def downgrade():
    with op.batch_alter_table('revision', schema=None) as batch_op:
        batch_op.drop_column('note_args')
        batch_op.drop_column('note_kind')
