"""notifications per person, each person's choice of emails per kind, reminders sent once, mail headers;
the comment-emails switch becomes the choice for mentions and replies

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

#: the kinds the old switch covered (statements.notifications.kinds MENTION, REPLY)
COMMENT_KINDS = ('mention', 'reply')


def upgrade():
    op.create_table(
        'notification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('statement_id', sa.Integer(), nullable=False),
        sa.Column('thread_id', sa.Integer(), nullable=True),
        sa.Column('comment_id', sa.Integer(), nullable=True),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('due_at', sa.DateTime(), nullable=True),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.Column('emailed_at', sa.DateTime(), nullable=True),
        sa.Column('digest_pending', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('digested_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_notification_actor_id_user_account'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_notification_comment_id_comment'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['statement_id'], ['statement.id'],
                                name=op.f('fk_notification_statement_id_statement'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['thread_id'], ['comment_thread.id'],
                                name=op.f('fk_notification_thread_id_comment_thread'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    )
    op.create_index('ix_notification_user_created', 'notification', ['user_id', 'created_at'], unique=False)
    op.create_index('ix_notification_digest_pending_user', 'notification', ['digest_pending', 'user_id'], unique=False)
    op.create_index(op.f('ix_notification_statement_id'), 'notification', ['statement_id'], unique=False)
    op.create_index(op.f('ix_notification_thread_id'), 'notification', ['thread_id'], unique=False)
    op.create_index(op.f('ix_notification_comment_id'), 'notification', ['comment_id'], unique=False)
    op.create_table(
        'notification_preference',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('choice', sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_notification_preference_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_preference')),
    )
    op.create_table(
        'reminder_sent',
        sa.Column('statement_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['statement_id'], ['statement.id'],
                                name=op.f('fk_reminder_sent_statement_id_statement'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('statement_id', 'kind', 'due_at', name=op.f('pk_reminder_sent')),
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headers', sa.Text(), nullable=True))
    for kind in COMMENT_KINDS:
        op.execute(sa.text("INSERT INTO notification_preference (user_id, kind, choice) "
                           "SELECT id, :kind, 'off' FROM user_account WHERE notify_comments = :off")
                   .bindparams(kind=kind, off=False))
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('notify_comments')


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_comments', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.execute(sa.text("UPDATE user_account SET notify_comments = :off WHERE id IN (SELECT user_id FROM "
                       "notification_preference WHERE kind = 'mention' AND choice = 'off')").bindparams(off=False))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('headers')
    op.drop_table('reminder_sent')
    op.drop_table('notification_preference')
    op.drop_index(op.f('ix_notification_comment_id'), table_name='notification')
    op.drop_index(op.f('ix_notification_thread_id'), table_name='notification')
    op.drop_index(op.f('ix_notification_statement_id'), table_name='notification')
    op.drop_index('ix_notification_digest_pending_user', table_name='notification')
    op.drop_index('ix_notification_user_created', table_name='notification')
    op.drop_table('notification')
