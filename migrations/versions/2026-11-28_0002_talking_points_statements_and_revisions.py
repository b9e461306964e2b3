"""talking points, statements and revisions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 15:12:09.132000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['working_group.id'], name=op.f('fk_tag_group_id_working_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tag')),
    sa.UniqueConstraint('group_id', 'name', name=op.f('uq_tag_group_id_name'))
    )
    with op.batch_alter_table('tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tag_group_id'), ['group_id'], unique=False)

    op.create_table('statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('summary', sa.String(length=1000), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('latest_number', sa.Integer(), nullable=False),
    sa.Column('final_revision_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_statement_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['working_group.id'], name=op.f('fk_statement_group_id_working_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement')),
    sa.UniqueConstraint('slug', name=op.f('uq_statement_slug'))
    )
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_group_id'), ['group_id'], unique=False)

    op.create_table('talking_point',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_talking_point_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['working_group.id'], name=op.f('fk_talking_point_group_id_working_group'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talking_point'))
    )
    with op.batch_alter_table('talking_point', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_talking_point_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_talking_point_status'), ['status'], unique=False)

    op.create_table('revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('base_number', sa.Integer(), nullable=True),
    sa.Column('merged_onto_number', sa.Integer(), nullable=True),
    sa.Column('restored_from_number', sa.Integer(), nullable=True),
    sa.Column('is_snapshot', sa.Boolean(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('word_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_revision_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], name=op.f('fk_revision_statement_id_statement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revision')),
    sa.UniqueConstraint('statement_id', 'number', name=op.f('uq_revision_statement_id_number'))
    )
    # statement and revision point at each other: the statement's link to its final revision is
    # added once both tables exist
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_statement_final_revision_id_revision'), 'revision',
                                    ['final_revision_id'], ['id'], ondelete='SET NULL')

    op.create_table('statement_transition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=False),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_statement_transition_actor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], name=op.f('fk_statement_transition_statement_id_statement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_transition'))
    )
    with op.batch_alter_table('statement_transition', schema=None) as batch_op:
        batch_op.create_index('ix_statement_transition_statement', ['statement_id', 'created_at'], unique=False)

    op.create_table('talking_point_tag',
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['point_id'], ['talking_point.id'], name=op.f('fk_talking_point_tag_point_id_talking_point'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tag.id'], name=op.f('fk_talking_point_tag_tag_id_tag'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('point_id', 'tag_id', name=op.f('pk_talking_point_tag'))
    )
    op.create_table('talking_point_use',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('inserted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['inserted_by_id'], ['user_account.id'], name=op.f('fk_talking_point_use_inserted_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['point_id'], ['talking_point.id'], name=op.f('fk_talking_point_use_point_id_talking_point'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], name=op.f('fk_talking_point_use_statement_id_statement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talking_point_use')),
    sa.UniqueConstraint('point_id', 'statement_id', name=op.f('uq_talking_point_use_point_id_statement_id'))
    )
    with op.batch_alter_table('talking_point_use', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_talking_point_use_point_id'), ['point_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_talking_point_use_statement_id'), ['statement_id'], unique=False)

    op.create_table('talking_point_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('tag_names', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['editor_id'], ['user_account.id'], name=op.f('fk_talking_point_version_editor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['point_id'], ['talking_point.id'], name=op.f('fk_talking_point_version_point_id_talking_point'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talking_point_version')),
    sa.UniqueConstraint('point_id', 'number', name=op.f('uq_talking_point_version_point_id_number'))
    )


def downgrade():
    op.drop_table('talking_point_version')
    with op.batch_alter_table('talking_point_use', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_talking_point_use_statement_id'))
        batch_op.drop_index(batch_op.f('ix_talking_point_use_point_id'))

    op.drop_table('talking_point_use')
    op.drop_table('talking_point_tag')
    with op.batch_alter_table('statement_transition', schema=None) as batch_op:
        batch_op.drop_index('ix_statement_transition_statement')

    op.drop_table('statement_transition')
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_statement_final_revision_id_revision'), type_='foreignkey')

    op.drop_table('revision')
    with op.batch_alter_table('talking_point', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_talking_point_status'))
        batch_op.drop_index(batch_op.f('ix_talking_point_group_id'))

    op.drop_table('talking_point')
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_group_id'))

    op.drop_table('statement')
    with op.batch_alter_table('tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tag_group_id'))

    op.drop_table('tag')
