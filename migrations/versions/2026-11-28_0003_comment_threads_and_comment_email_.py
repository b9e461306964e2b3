"""comment threads and comment email settings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 15:23:50.324219

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('comment_thread',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('original_quote', sa.String(length=2000), nullable=True),
    sa.Column('original_revision', sa.Integer(), nullable=True),
    sa.Column('anchor_status', sa.String(length=10), nullable=True),
    sa.Column('anchor_revision', sa.Integer(), nullable=True),
    sa.Column('quote', sa.String(length=2000), nullable=True),
    sa.Column('prefix', sa.String(length=100), nullable=True),
    sa.Column('suffix', sa.String(length=100), nullable=True),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.Column('similarity', sa.Double(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_comment_thread_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['user_account.id'], name=op.f('fk_comment_thread_resolved_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], name=op.f('fk_comment_thread_statement_id_statement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment_thread'))
    )
    with op.batch_alter_table('comment_thread', schema=None) as batch_op:
        batch_op.create_index('ix_comment_thread_statement_resolved', ['statement_id', 'resolved_at'], unique=False)

    op.create_table('comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('edited_at', sa.DateTime(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_comment_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['comment_thread.id'], name=op.f('fk_comment_thread_id_comment_thread'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comment'))
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_thread_id'), ['thread_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_comments', sa.Boolean(), server_default=sa.true(), nullable=False))



def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('notify_comments')

    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_thread_id'))

    op.drop_table('comment')
    with op.batch_alter_table('comment_thread', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_thread_statement_resolved')

    op.drop_table('comment_thread')
