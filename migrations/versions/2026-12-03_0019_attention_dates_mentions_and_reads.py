"""comment periods with an end date and open to the network; mentions; what each person has read

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 23:05:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment_period_ends_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('comment_period_closes_itself', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('open_to_network', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        'comment_mention',
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_comment_mention_comment_id_comment'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_comment_mention_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('comment_id', 'user_id', name=op.f('pk_comment_mention')),
    )
    op.create_index(op.f('ix_comment_mention_user_id'), 'comment_mention', ['user_id'], unique=False)
    op.create_table(
        'thread_read',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('thread_id', sa.Integer(), nullable=False),
        sa.Column('last_comment_id', sa.Integer(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['thread_id'], ['comment_thread.id'],
                                name=op.f('fk_thread_read_thread_id_comment_thread'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_thread_read_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'thread_id', name=op.f('pk_thread_read')),
    )
    op.create_index(op.f('ix_thread_read_thread_id'), 'thread_read', ['thread_id'], unique=False)
    op.create_table(
        'statement_read',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('statement_id', sa.Integer(), nullable=False),
        sa.Column('revision_number', sa.Integer(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['statement_id'], ['statement.id'],
                                name=op.f('fk_statement_read_statement_id_statement'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_statement_read_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'statement_id', name=op.f('pk_statement_read')),
    )
    op.create_index(op.f('ix_statement_read_statement_id'), 'statement_read', ['statement_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_statement_read_statement_id'), table_name='statement_read')
    op.drop_table('statement_read')
    op.drop_index(op.f('ix_thread_read_thread_id'), table_name='thread_read')
    op.drop_table('thread_read')
    op.drop_index(op.f('ix_comment_mention_user_id'), table_name='comment_mention')
    op.drop_table('comment_mention')
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_column('open_to_network')
        batch_op.drop_column('comment_period_closes_itself')
        batch_op.drop_column('comment_period_ends_at')
