"""Pages for talking points: list and filter, add, edit, agree or retire, insert into a draft."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from statements.accounts.models import WorkingGroup
from statements.core.db import commit_with_retries, paginate
from statements.core.errors import InvalidInput
from statements.core.forms import add_error
from statements.core.loaders import load_for
from statements.core.policy import Permission
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db, posting_limit
from statements.talking_points import bp, services
from statements.talking_points.forms import PointForm
from statements.talking_points.models import PointStatus, TalkingPoint


@bp.route("/groups/<int:group_id>/points")
def points(group_id: int):
    group = load_for(WorkingGroup, group_id, Permission.POINT_VIEW)
    filters = {"tag": request.args.get("tag", "")[:60] or None, "status": request.args.get("status") or None,
               "text": request.args.get("q", "").strip()[:200] or None}
    page = paginate(services.list_points(group, **filters), 30)
    return render_template("talking_points/list.html", group=group, page=page, tags=services.group_tags(group),
                           statuses=list(PointStatus), args=request.args)


@bp.route("/groups/<int:group_id>/points/new", methods=["GET", "POST"])
@posting_limit()
def new_point(group_id: int):
    group = load_for(WorkingGroup, group_id, Permission.POINT_EDIT)
    form = PointForm()
    if form.validate_on_submit():
        try:
            point = services.create_point(current_user, group, form.title.data, form.body.data,
                                          form.sources.data or "", form.tags.data or "")
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            add_error(form, error)
        else:
            flash(_("The talking point is proposed. A coordinator can mark it agreed."), "success")
            return redirect(url_for("talking_points.point", point_id=point.id))
    return render_template("talking_points/form.html", group=group, form=form, point=None,
                           tags=services.group_tags(group)), 400 if form.errors or form.form_errors else 200


@bp.route("/points/<int:point_id>")
def point(point_id: int):
    point = load_for(TalkingPoint, point_id, Permission.POINT_VIEW)
    # a statement's own text before its translations (a point is written in the group's words, not translated)
    statements = sorted((s for s in drafts.statements_of(point.group) if s.state_enum.text_is_editable),
                        key=lambda s: s.source_id is not None)
    return render_template("talking_points/point.html", point=point, uses=services.uses_of(point),
                           statements=statements, statuses=list(PointStatus))


@bp.route("/points/<int:point_id>/edit", methods=["GET", "POST"])
@posting_limit()
def edit_point(point_id: int):
    point = load_for(TalkingPoint, point_id, Permission.POINT_EDIT)
    form = PointForm(data={"title": point.title, "body": point.body, "sources": services.format_sources(point.sources),
                           "tags": ", ".join(t.name for t in point.tags)})
    if form.validate_on_submit():
        try:
            changed = services.update_point(current_user, point, form.title.data, form.body.data,
                                            form.sources.data or "", form.tags.data or "")
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            add_error(form, error)
        else:
            flash(_("The talking point is saved.") if changed else _("Nothing changed."), "success" if changed else "info")
            return redirect(url_for("talking_points.point", point_id=point.id))
    return render_template("talking_points/form.html", group=point.group, form=form, point=point,
                           tags=services.group_tags(point.group)), 400 if form.errors or form.form_errors else 200


@bp.route("/points/<int:point_id>/status", methods=["POST"])
def set_status(point_id: int):
    point = load_for(TalkingPoint, point_id, Permission.POINT_DECIDE)
    services.set_status(current_user, point, request.form.get("status", ""))
    db.session.commit()
    flash(_("The talking point is now %(status)s.", status=PointStatus(point.status).label.lower()), "success")
    return redirect(url_for("talking_points.point", point_id=point.id))


@bp.route("/points/<int:point_id>/insert", methods=["POST"])
def insert(point_id: int):
    point = load_for(TalkingPoint, point_id, Permission.POINT_VIEW)
    statement_id = request.form.get("statement_id", "")
    if not (statement_id.isascii() and statement_id.isdigit()) or len(statement_id) > 18:
        flash(_("Choose a statement to insert the point into."), "error")
        return redirect(url_for("talking_points.point", point_id=point.id))
    statement = load_for(Statement, int(statement_id), Permission.STATEMENT_EDIT)
    if statement.group_id != point.group_id:
        abort(404)
    result = commit_with_retries(lambda: services.insert_into_statement(
        current_user, point, db.session.get(Statement, statement.id)))
    flash(_("“%(point)s” is added at the end of “%(statement)s” as revision %(number)s. "
            "Edit the draft to move it where it belongs.", point=point.title, statement=statement.title,
            number=result.revision.number), "success")
    return redirect(url_for("drafts.statement", statement_id=statement.id))
