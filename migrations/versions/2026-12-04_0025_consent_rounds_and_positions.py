"""consent rounds and the positions of organizations

Revision ID: 0025
Revises: 0022
Create Date: 2026-12-04 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'consent_round',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('statement_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('opened_by_id', sa.Integer(), nullable=True),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('ends_at', sa.DateTime(), nullable=False),
        sa.Column('revision_number', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=True),
        sa.Column('final_revision_number', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['statement_id'], ['statement.id'],
                                name=op.f('fk_consent_round_statement_id_statement'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['opened_by_id'], ['user_account.id'],
                                name=op.f('fk_consent_round_opened_by_id_user_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_round')),
        sa.UniqueConstraint('statement_id', 'number', name=op.f('uq_consent_round_statement_id_number')),
    )
    op.create_index(op.f('ix_consent_round_statement_id'), 'consent_round', ['statement_id'], unique=False)
    op.create_table(
        'consent_asked_organization',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['round_id'], ['consent_round.id'],
                                name=op.f('fk_consent_asked_organization_round_id_consent_round'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                                name=op.f('fk_consent_asked_organization_organization_id_organization'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_asked_organization')),
        sa.UniqueConstraint('round_id', 'organization_id', name=op.f('uq_consent_asked_organization_round_id_organization_id')),
    )
    op.create_index(op.f('ix_consent_asked_organization_organization_id'), 'consent_asked_organization',
                    ['organization_id'], unique=False)
    op.create_table(
        'consent_position',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('stance', sa.String(length=20), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['round_id'], ['consent_round.id'],
                                name=op.f('fk_consent_position_round_id_consent_round'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                                name=op.f('fk_consent_position_organization_id_organization'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'],
                                name=op.f('fk_consent_position_recorded_by_id_user_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_position')),
    )
    op.create_index('ix_consent_position_round_organization', 'consent_position',
                    ['round_id', 'organization_id', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_consent_position_round_organization', table_name='consent_position')
    op.drop_table('consent_position')
    op.drop_index(op.f('ix_consent_asked_organization_organization_id'), table_name='consent_asked_organization')
    op.drop_table('consent_asked_organization')
    op.drop_index(op.f('ix_consent_round_statement_id'), table_name='consent_round')
    op.drop_table('consent_round')
