"""goals, quotas, OKRs, alerts and reports

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alert_rules',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('kpi', sa.Text(), nullable=True),
    sa.Column('scope_kind', sa.Text(), nullable=False),
    sa.Column('scope_id', sa.Text(), nullable=True),
    sa.Column('params', sa.Text(), nullable=False),
    sa.Column('channel', sa.Text(), nullable=False),
    sa.Column('recipients', sa.Text(), nullable=True),
    sa.Column('enabled', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('created_by', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_rules'))
    )
    op.create_table('alerts',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('rule_id', sa.Text(), nullable=False),
    sa.Column('fingerprint', sa.Text(), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('scope_kind', sa.Text(), nullable=False),
    sa.Column('scope_id', sa.Text(), nullable=True),
    sa.Column('status', sa.Text(), server_default='open', nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.Text(), nullable=True),
    sa.Column('snoozed_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts')),
    sa.UniqueConstraint('rule_id', 'fingerprint', name=op.f('uq_alerts_rule_id_fingerprint'))
    )
    op.create_table('goals',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('kpi', sa.Text(), nullable=False),
    sa.Column('scope_kind', sa.Text(), nullable=False),
    sa.Column('scope_id', sa.Text(), nullable=True),
    sa.Column('dimension', sa.Text(), nullable=True),
    sa.Column('dimension_value', sa.Text(), nullable=True),
    sa.Column('grain', sa.Text(), server_default='month', nullable=False),
    sa.Column('baseline', sa.Double(), nullable=True),
    sa.Column('baseline_from', sa.Date(), nullable=True),
    sa.Column('baseline_to', sa.Date(), nullable=True),
    sa.Column('target', sa.Double(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('objective_id', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goals'))
    )
    op.create_table('notification_log',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('alert_id', sa.Text(), nullable=True),
    sa.Column('schedule_id', sa.Text(), nullable=True),
    sa.Column('channel', sa.Text(), nullable=False),
    sa.Column('target', sa.Text(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_log'))
    )
    op.create_table('okr_objectives',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('quarter', sa.Text(), nullable=False),
    sa.Column('scope_kind', sa.Text(), nullable=False),
    sa.Column('scope_id', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_okr_objectives'))
    )
    op.create_table('report_schedules',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('frequency', sa.Text(), nullable=False),
    sa.Column('scope_kind', sa.Text(), nullable=False),
    sa.Column('scope_id', sa.Text(), nullable=True),
    sa.Column('lang', sa.Text(), server_default='es', nullable=False),
    sa.Column('format', sa.Text(), server_default='pdf', nullable=False),
    sa.Column('recipients', sa.Text(), nullable=False),
    sa.Column('last_period', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_schedules'))
    )
    op.create_table('okr_key_results',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('objective_id', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('kpi', sa.Text(), nullable=True),
    sa.Column('start_value', sa.Double(), nullable=False),
    sa.Column('target_value', sa.Double(), nullable=False),
    sa.Column('current_value', sa.Double(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['objective_id'], ['okr_objectives.id'], name=op.f('fk_okr_key_results_objective_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_okr_key_results'))
    )
    op.create_table('okr_checkins',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('key_result_id', sa.Text(), nullable=False),
    sa.Column('value', sa.Double(), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checked_by', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['key_result_id'], ['okr_key_results.id'], name=op.f('fk_okr_checkins_key_result_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_okr_checkins'))
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.create_index(op.f('ix_alerts_raised_at'), 'alerts', ['raised_at'], unique=False)
        op.create_index(op.f('ix_okr_key_results_objective_id'), 'okr_key_results', ['objective_id'], unique=False)
        op.create_index(op.f('ix_okr_checkins_key_result_id'), 'okr_checkins', ['key_result_id'], unique=False)


def downgrade() -> None:
    for name in ('okr_checkins', 'okr_key_results', 'okr_objectives', 'report_schedules', 'notification_log',
                 'alerts', 'alert_rules', 'goals'):
        op.drop_table(name)
