"""Staff read and filter the audit log."""

from datetime import datetime, time, timedelta, timezone

from flask import render_template, request
from sqlalchemy import select

from statements.accounts.models import User, WorkingGroup
from statements.audit import bp
from statements.audit.actions import action_label
from statements.audit.services import known_actions, query_events
from statements.core.collation import sorted_in
from statements.core.i18n import current_language
from statements.core.loaders import require
from statements.core.policy import Permission
from statements.extensions import db


def _date_arg(name: str, days_later: int = 0) -> datetime | None:
    """Read a yyyy-mm-dd query argument as the start of that day (or a later one) in UTC; ignore anything else."""
    try:
        day = datetime.strptime(request.args.get(name, ""), "%Y-%m-%d").date() + timedelta(days=days_later)
    except (ValueError, OverflowError):  # not a date, or past the last day a date can hold
        return None
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    # isascii: str.isdigit() also accepts digits such as "²" that int() refuses
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


@bp.route("/admin/audit")
@require(Permission.AUDIT_READ)
def log():
    filters = {
        "action": request.args.get("action", "")[:60] or None,
        "actor_id": _int_arg("actor"),
        "group_id": _int_arg("group"),
        "since": _date_arg("since"),
        "until": _date_arg("until", days_later=1),  # the whole of the last day given
    }
    # the page number is read here, bounded, rather than by paginate: a huge one overflows the database's integers
    page = db.paginate(query_events(**filters), page=_int_arg("page") or 1, per_page=50, error_out=False)
    return render_template(
        "audit/log.html", page=page, action_label=action_label,
        actions=sorted_in([(a, action_label(a)) for a in known_actions()], current_language(), lambda a: a[1]),
        actors=db.session.scalars(select(User).order_by(User.display_name)).all(),
        groups=db.session.scalars(select(WorkingGroup).order_by(WorkingGroup.name)).all(),
        args=request.args,
    )
