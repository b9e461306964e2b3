"""The list of notifications, opening one, the preferences page, and one-click unsubscribe."""

from itertools import groupby

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date, gettext as _
from flask_login import current_user, login_required

from statements.core.policy import Role
from statements.core.timezones import reader_zone, zone_info
from statements.extensions import csrf, db
from statements.notifications import bp, kinds, services
from statements.notifications.models import Notification


@bp.app_context_processor
def inject_unread_count():
    """Let the header ask, only when it is drawn, how many notifications wait unread."""
    return {"unread_notifications": lambda: services.unread_count(current_user)
            if current_user.is_authenticated else 0}


def _day_of(notification: Notification):
    return notification.updated_at.astimezone(zone_info(reader_zone())).date()


@bp.route("/notifications")
@login_required
def index():
    listed = services.listed_for(current_user)
    days = [(format_date(day, "full"), [(n, services.describe(n)) for n in rows])
            for day, rows in groupby(listed, key=_day_of)]
    return render_template("notifications/list.html", days=days, has_unread=any(n.read_at is None for n in listed))


@bp.route("/notifications/<int:notification_id>")
@login_required
def open(notification_id: int):  # noqa: A001 (the route's name reads as what it does)
    """Mark a notification read and go where its action is; one no longer theirs to see leads back to the list."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id or not services.still_visible(notification):
        flash(_("What that notification was about is no longer there for you."), "info")
        return redirect(url_for("notifications.index"))
    services.mark_read(notification)
    db.session.commit()
    endpoint, values = services.target_of(notification)
    return redirect(url_for(endpoint, **values))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_all_read():
    services.mark_all_read(current_user)
    db.session.commit()
    flash(_("Every notification is marked read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    if request.method == "POST":
        services.set_choices(current_user, {kind: request.form.get(kind, "") for kind in kinds.KINDS})
        db.session.commit()
        flash(_("Your choices of emails are saved."), "success")
        return redirect(url_for("notifications.preferences"))
    choices = services.choices_of(current_user)
    steers = current_user.is_admin or any(m.role == Role.COORDINATOR.value for m in current_user.memberships)
    rows = [(kind, str(label), choices[kind]) for kind, label in kinds.KINDS.items()
            if steers or kind not in kinds.FOR_COORDINATORS]  # what only coordinators hear of, to them alone
    return render_template("notifications/preferences.html", rows=rows,
                           options=[(choice, str(label)) for choice, label in kinds.CHOICE_LABELS.items()])


def _what_stops(kind: str) -> str:
    if kind == kinds.ALL_DIGEST:
        return _("the daily digest")
    return str(kinds.KINDS[kind])


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail programs post the one-click request with no form token; the link's token is the proof
def unsubscribe(token: str):
    user, kind = services.read_unsubscribe_token(token)
    if request.method == "GET":  # mail scanners follow links: a GET only shows the button
        return render_template("notifications/unsubscribe.html", what=_what_stops(kind), done=False)
    services.unsubscribe(user, kind)
    db.session.commit()
    return render_template("notifications/unsubscribe.html", what=_what_stops(kind), done=True)

