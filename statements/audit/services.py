"""Record and read the audit log."""

from datetime import datetime

from sqlalchemy import select

from statements.audit.models import AuditEvent
from statements.extensions import db


def record(actor, action: str, subject, summary: str, group_id: int | None = None, **details) -> AuditEvent:
    """Add an audit event for a change; it is committed with the change itself."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        subject_type=type(subject).__name__,
        subject_id=getattr(subject, "id", None),
        group_id=group_id,
        summary=summary[:500],
        details=details,
    )
    db.session.add(event)
    return event


def query_events(action: str | None = None, actor_id: int | None = None, group_id: int | None = None,
                 since: datetime | None = None, until: datetime | None = None):
    """Return a select of audit events matching the filters, newest first."""
    query = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    if actor_id:
        query = query.where(AuditEvent.actor_id == actor_id)
    if group_id:
        query = query.where(AuditEvent.group_id == group_id)
    if since:
        query = query.where(AuditEvent.created_at >= since)
    if until:
        query = query.where(AuditEvent.created_at < until)
    return query


def known_actions() -> list[str]:
    """Return the distinct actions recorded so far, for the filter."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
