"""Staff read and filter the audit log."""

from datetime import datetime, time, timedelta, timezone

from flask import render_template, request
from sqlalchemy import select

from statements.accounts.models import User, WorkingGroup
from statements.audit import bp
from statements.audit.services import known_actions, query_events
from statements.core.loaders import require
from statements.core.policy import Permission
from statements.extensions import db


def _date_arg(name: str) -> datetime | None:
    """Read a yyyy-mm-dd query argument as the start of that day in UTC; ignore anything else."""
    try:
        day = datetime.strptime(request.args.get(name, ""), "%Y-%m-%d").date()
    except ValueError:
        return None
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@bp.route("/admin/audit")
@require(Permission.AUDIT_READ)
def log():
    until = _date_arg("until")
    filters = {
        "action": request.args.get("action", "")[:60] or None,
        "actor_id": _int_arg("actor"),
        "group_id": _int_arg("group"),
        "since": _date_arg("since"),
        "until": until + timedelta(days=1) if until else None,
    }
    page = db.paginate(query_events(**filters), per_page=50, error_out=False)
    return render_template(
        "audit/log.html", page=page, actions=known_actions(),
        actors=db.session.scalars(select(User).order_by(User.display_name)).all(),
        groups=db.session.scalars(select(WorkingGroup).order_by(WorkingGroup.name)).all(),
        args=request.args,
    )
