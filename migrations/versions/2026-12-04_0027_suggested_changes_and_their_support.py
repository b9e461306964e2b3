"""suggested changes and their support

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'suggestion',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('statement_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('revision_number', sa.Integer(), nullable=False),
        sa.Column('original_quote', sa.String(length=2000), nullable=False),
        sa.Column('original_start', sa.Integer(), nullable=False),
        sa.Column('original_end', sa.Integer(), nullable=False),
        sa.Column('anchor_status', sa.String(length=10), nullable=False),
        sa.Column('anchor_revision', sa.Integer(), nullable=False),
        sa.Column('quote', sa.String(length=2000), nullable=False),
        sa.Column('prefix', sa.String(length=100), nullable=False),
        sa.Column('suffix', sa.String(length=100), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('out_of_date', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('replacement', sa.Text(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decision_reason', sa.Text(), nullable=False),
        sa.Column('accepted_revision_number', sa.Integer(), nullable=True),
        sa.Column('accepted_text', sa.Text(), nullable=True),
        sa.Column('thread_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['statement_id'], ['statement.id'],
                                name=op.f('fk_suggestion_statement_id_statement'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['user_account.id'],
                                name=op.f('fk_suggestion_author_id_user_account'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'],
                                name=op.f('fk_suggestion_decided_by_id_user_account'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['thread_id'], ['comment_thread.id'],
                                name=op.f('fk_suggestion_thread_id_comment_thread'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion')),
    )
    op.create_index('ix_suggestion_statement_status', 'suggestion', ['statement_id', 'status'], unique=False)
    op.create_index(op.f('ix_suggestion_thread_id'), 'suggestion', ['thread_id'], unique=False)
    op.create_table(
        'suggestion_support',
        sa.Column('suggestion_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['suggestion_id'], ['suggestion.id'],
                                name=op.f('fk_suggestion_support_suggestion_id_suggestion'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_suggestion_support_user_id_user_account'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                                name=op.f('fk_suggestion_support_organization_id_organization'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('suggestion_id', 'user_id', name=op.f('pk_suggestion_support')),
    )


def downgrade():
    op.drop_table('suggestion_support')
    op.drop_index(op.f('ix_suggestion_thread_id'), table_name='suggestion')
    op.drop_index('ix_suggestion_statement_status', table_name='suggestion')
    op.drop_table('suggestion')
