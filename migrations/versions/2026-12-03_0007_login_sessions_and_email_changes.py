"""login sessions and email changes

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # one row per login on one device: logging out deletes it, so a copied cookie stops working.
    # Logins from before (cookies naming the login epoch) find no row: everyone logs in once more.
    op.create_table('login_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_login_session_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_session')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_login_session_key_hash'))
    )
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_session_user_id'), ['user_id'], unique=False)

    # email changes are rows, so that a password change or the old address can cancel them
    op.create_table('email_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('old_email', sa.String(length=254), nullable=False),
    sa.Column('new_email', sa.String(length=254), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_email_change_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_change'))
    )
    with op.batch_alter_table('email_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_change_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('login_epoch')


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('login_epoch', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('user_account', schema=None) as batch_op:  # 0001 made it without a default
        batch_op.alter_column('login_epoch', server_default=None)

    with op.batch_alter_table('email_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_change_user_id'))
    op.drop_table('email_change')

    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_session_user_id'))
    op.drop_table('login_session')
