"""Pages for drafting a statement: view, edit, history, compare, restore and lifecycle steps."""

from babel.lists import format_list
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from statements.accounts.models import WorkingGroup
from statements.core.db import commit_with_retries, paginate
from statements.core.errors import InvalidInput, NotAllowed
from statements.core.forms import add_error
from statements.core.i18n import current_language
from statements.core.loaders import load_for
from statements.core.markdown import Highlight, render_blocks, render_changes, render_markdown
from statements.core.policy import Permission
from statements.comments import services as comments
from statements.drafts import bp, events
from statements.drafts import services
from statements.drafts.diffing import count_words, rows
from statements.drafts.forms import CommentPeriodForm, EditForm, NewStatementForm, StatementForm
from statements.drafts.models import TEXT_MAX, Revision, State, Statement
from statements.extensions import db, preview_limit

HISTORY_PAGE_SIZE = 25


#: a statement's group comes with it: every decision on the statement reads it
WITH_GROUP = (joinedload(Statement.group),)


def _load(statement_id: int, permission: Permission = Permission.STATEMENT_VIEW) -> Statement:
    return load_for(Statement, statement_id, permission, options=WITH_GROUP)


@bp.route("/groups/<int:group_id>/statements/new", methods=["GET", "POST"])
def new_statement(group_id: int):
    group = load_for(WorkingGroup, group_id, Permission.STATEMENT_CREATE)
    form = NewStatementForm()
    if form.validate_on_submit():
        try:
            statement = services.create_statement(current_user, group, form.title.data, form.slug.data or "",
                                                  form.language.data, form.summary.data, form.text.data or "")
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            add_error(form, error)
        except IntegrityError:  # someone took the same address at the same moment
            db.session.rollback()
            add_error(form, InvalidInput(_("Another statement took this address a moment ago. Choose another."),
                                         field="slug"))
        else:
            flash(_("“%(title)s” is open for drafting.", title=statement.title), "success")
            return redirect(url_for("drafts.statement", statement_id=statement.id))
    return render_template("drafts/new.html", form=form, group=group), 400 if form.errors or form.form_errors else 200


@bp.route("/statements/<int:statement_id>")
def statement(statement_id: int):
    statement = _load(statement_id)
    latest = services.latest_revision(statement)
    threads = comments.threads_of(statement, "open")
    highlights = [Highlight(t.position, t.position + len(t.quote), t.id, t.anchor_status) for t in threads
                  if t.anchor_revision == latest.number and t.anchor_status in ("exact", "fuzzy")]
    last_read = services.last_read_number(current_user, statement)
    page = render_template("drafts/statement.html", statement=statement, revision=latest,
                           blocks=render_blocks(services.revision_text(latest), highlights), threads=threads,
                           thread_counts=comments.thread_counts(statement),
                           transitions=services.available_transitions(statement),
                           history=services.transitions_of(statement), corrections=services.corrections_of(statement),
                           last_read=last_read)
    services.mark_statement_read(current_user, statement, last_read)
    db.session.commit()
    return page


@bp.route("/statements/<int:statement_id>/edit", methods=["GET", "POST"])
@preview_limit(exempt_when=lambda: request.form.get("action") != "preview")
def edit(statement_id: int):
    statement = _load(statement_id, Permission.STATEMENT_EDIT)
    form = EditForm()
    if not statement.state_enum.text_is_editable:
        message = _("This statement is %(state)s: its text is locked. "
                    "A coordinator can reopen the draft if it must change.", state=statement.state_enum.label.lower())
        if request.method == "POST":  # keep what was typed: nothing a person wrote is thrown away
            return _locked_page(statement, form, message, 409)
        flash(message, "error")
        return redirect(url_for("drafts.statement", statement_id=statement.id))
    if request.method == "GET":
        latest = services.latest_revision(statement)
        form.base.data, form.text.data = latest.number, services.revision_text(latest)
        if statement.source_id is not None:
            form.source_base.data = statement.source.latest_number
        return render_template("drafts/edit.html", statement=statement, form=form)
    if request.form.get("action") == "preview" and form.validate_on_submit():
        try:
            services.check_text(form.text.data or "")  # the limit of saving: nothing longer is rendered
        except InvalidInput as error:
            add_error(form, error)
            return render_template("drafts/edit.html", statement=statement, form=form), 400
        return render_template("drafts/edit.html", statement=statement, form=form, preview=form.text.data or "")
    if not form.validate_on_submit():
        form.form_errors.extend(form.base.errors)  # a hidden field: its message goes at the top of the form
        return render_template("drafts/edit.html", statement=statement, form=form), 400
    try:
        result = commit_with_retries(lambda: services.save_revision(
            current_user, db.session.get(Statement, statement_id), form.base.data, form.text.data or "",
            form.note.data or "", source_number=form.source_base.data))
    except InvalidInput as error:
        add_error(form, error)
        return render_template("drafts/edit.html", statement=statement, form=form), 400
    except NotAllowed as error:  # frozen while this person was typing
        db.session.rollback()
        return _locked_page(statement, form, error.message, 403)
    if result.conflict:
        return _conflict_page(statement, form, result)
    if result.unchanged:
        flash(_("There was nothing to save: the text is the same as the latest revision."), "info")
    elif result.merged_with:
        flash(_("Saved as revision %(number)s. Others saved while you were editing (%(names)s); "
                "your changes were merged with theirs.", number=result.revision.number,
                names=format_list(result.merged_with, locale=current_language())), "success")
    else:
        flash(_("Saved as revision %(number)s.", number=result.revision.number), "success")
    return redirect(url_for("drafts.statement", statement_id=statement_id))


def _locked_page(statement: Statement, form: EditForm, message: str, status: int):
    form.form_errors.append(_("%(reason)s Your text was not saved; it is kept below so you can copy it.",
                              reason=message))
    return render_template("drafts/edit.html", statement=statement, form=form, locked=True), status


def _conflict_page(statement: Statement, form: EditForm, result: services.SaveResult):
    """Show the user's text against the latest, keeping theirs to resolve and save again."""
    latest_text = services.revision_text(result.latest)
    diff = services.word_diff(latest_text, form.text.data or "")
    # saving again from here resolves against the latest; the field renders what was posted unless told
    form.base.data, form.base.raw_data = result.latest.number, [str(result.latest.number)]
    return render_template("drafts/conflict.html", statement=statement, form=form, latest=result.latest,
                           rows=rows(diff.ops), conflicts=len(result.conflict.conflicts)), 409


@bp.route("/statements/<int:statement_id>/details", methods=["GET", "POST"])
def details(statement_id: int):
    statement = _load(statement_id, Permission.STATEMENT_TRANSITION)
    form = StatementForm(obj=statement)
    fixed_address = not services.address_can_change(statement)
    if fixed_address:  # shown, not offered: the form keeps the address it has
        form.slug.data = statement.slug
    if form.validate_on_submit():
        try:
            services.update_details(current_user, statement, form.title.data, form.slug.data or "",
                                    form.language.data, form.summary.data)
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            add_error(form, error)
        else:
            flash(_("The details are saved."), "success")
            return redirect(url_for("drafts.statement", statement_id=statement.id))
    return render_template("drafts/details.html", statement=statement, form=form, fixed_address=fixed_address), \
        400 if form.errors or form.form_errors else 200


@bp.route("/statements/<int:statement_id>/history")
def history(statement_id: int):
    statement = _load(statement_id)
    query = (select(Revision).where(Revision.statement_id == statement.id).order_by(Revision.number.desc())
             .options(selectinload(Revision.author)))
    page = paginate(query, HISTORY_PAGE_SIZE)
    return render_template("drafts/history.html", statement=statement, page=page)


@bp.route("/statements/<int:statement_id>/revisions/<int:number>")
def revision(statement_id: int, number: int):
    statement = _load(statement_id)
    revision = services.get_revision(statement, number)
    # what this revision changed, marked in the text as readers see it (?marks=off: the text alone)
    changes = None
    if number > 1 and request.args.get("marks") != "off":
        changes = render_changes(services.compare(statement, number - 1, number).ops)
    return render_template("drafts/revision.html", statement=statement, revision=revision,
                           text=services.revision_text(revision), changes=changes)


def _number_arg(name: str, default: int) -> int:
    value = request.args.get(name, "")
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise InvalidInput(_("“%(value)s” is not a revision number. Choose revisions from the history.",
                             value=value[:20]))
    return int(value)


#: as readers see the text, with changes marked; or its Markdown source, inline or side by side
COMPARE_VIEWS = ("rendered", "inline", "side")


@bp.route("/statements/<int:statement_id>/compare")
def compare(statement_id: int):
    statement = _load(statement_id)
    latest = statement.latest_number
    from_number = _number_arg("from", max(latest - 1, 1))
    to_number = _number_arg("to", latest)
    view = request.args.get("view") if request.args.get("view") in COMPARE_VIEWS else "rendered"
    old, new = services.get_revision(statement, from_number), services.get_revision(statement, to_number)
    diff = services.compare_revisions(old, new)
    added, removed = count_words(diff.ops)
    rendered = render_changes(diff.ops) if view == "rendered" else None
    if view == "rendered" and rendered is None:  # too much Markdown to format: the source, as typed
        view = "inline"
    return render_template("drafts/compare.html", statement=statement, view=view, diff=diff,
                           rows=rows(diff.ops) if view != "rendered" else [], rendered=rendered,
                           added=added, removed=removed, old=old, new=new)


@bp.route("/statements/<int:statement_id>/revisions/<int:number>/restore", methods=["POST"])
def restore(statement_id: int, number: int):
    statement = _load(statement_id, Permission.STATEMENT_EDIT)
    result = commit_with_retries(lambda: services.restore_revision(
        current_user, db.session.get(Statement, statement_id), number))
    if result.unchanged:
        flash(_("Revision %(number)s has the same text as the latest revision; nothing to restore.", number=number),
              "info")
    else:
        flash(_("Revision %(number)s is restored as revision %(new)s.", number=number, new=result.revision.number),
              "success")
    return redirect(url_for("drafts.statement", statement_id=statement.id))


@bp.route("/statements/<int:statement_id>/transition", methods=["POST"])
def transition(statement_id: int):
    statement = _load(statement_id, Permission.STATEMENT_TRANSITION)
    target = request.form.get("to", "")
    possible = {to.value for to, _label in services.available_transitions(statement)}
    if target in possible:
        if target in {to.value for to in services.NEEDS_SETTINGS}:
            return redirect(url_for("signons.open_signon", statement_id=statement.id))
        if target in {to.value for to in services.ASKS_FIRST} and request.form.get("confirmed") != "yes":
            asked = _ask_first(statement, target)
            if asked is not None:
                return asked
    if target == State.COMMENT_PERIOD.value and target in possible:  # a bare button: no end, none left from before
        step = services.open_comment_period(current_user, statement, None, False, False)
    else:
        step = services.transition(current_user, statement, target)
    db.session.commit()
    messages = {
        "final": _("Revision %(number)s is frozen as the final text.", number=step.revision_number),
        "draft": _("The statement is a draft again: members can edit it."),
        "comment_period": _("The comment period is open: members are invited to comment."),
        "signon_closed": _("Sign-on is closed: no new signatures can be added."),
        "published": _("The statement is published."),
    }
    flash(messages.get(step.to_state, _("The statement moved on.")), "success")
    return redirect(url_for("drafts.statement", statement_id=statement.id))


def _ask_first(statement: Statement, target: str):
    """The page that asks before a step: open threads (and what other parts have to show, such as a consent
    round's result) before a final text, a preview before publishing. None when there is nothing to ask: the
    step goes ahead as asked."""
    if target == State.PUBLISHED.value:
        return redirect(url_for("signons.publish", statement_id=statement.id))
    threads = comments.threads_of(statement, "open")
    if not threads and not any(shown for _listener, shown in events.final_asks_first.send(statement)):
        return None
    return render_template("drafts/confirm_final.html", statement=statement, threads=threads,
                           revision=services.latest_revision(statement))


def _default_zone() -> str:
    """The zone a coordinator gives dates in unless they choose another: their own, else the network's."""
    from statements.core.timezones import is_zone
    from statements.export.services import network_settings  # (the network's settings live with its look)

    own = getattr(current_user, "time_zone", None)
    return own if is_zone(own) else (network_settings().time_zone or "UTC")


@bp.route("/statements/<int:statement_id>/comment-period", methods=["GET", "POST"])
def comment_period(statement_id: int):
    """Open the comment period with its end date, or change the end of one under way."""
    statement = _load(statement_id, Permission.STATEMENT_TRANSITION)
    opening = State.COMMENT_PERIOD in {to for to, _label in services.available_transitions(statement)}
    if not opening and statement.state_enum != State.COMMENT_PERIOD:
        flash(_("This statement is %(state)s: a comment period can open only on a draft.",
                state=statement.state_enum.label.lower()), "error")
        return redirect(url_for("drafts.statement", statement_id=statement.id))
    form = CommentPeriodForm(data=_comment_period_data(statement, opening))
    if form.validate_on_submit():
        try:
            ends_at = services.comment_period_end(form.ends_date.data, form.ends_time.data, form.time_zone.data)
            closes_itself = form.at_the_end.data == "close"
            if statement.state_enum == State.COMMENT_PERIOD:  # also a second press of the button that opened it
                services.change_comment_period(current_user, statement, ends_at, closes_itself,
                                               form.open_to_network.data)
                message = _("The comment period's settings are saved.")
            else:
                services.open_comment_period(current_user, statement, ends_at, closes_itself,
                                             form.open_to_network.data)
                message = _("The comment period is open: members are invited to comment.")
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            add_error(form, error)
        else:
            flash(message, "success")
            return redirect(url_for("drafts.statement", statement_id=statement.id))
    status = 400 if request.method == "POST" else 200
    return render_template("drafts/comment_period.html", statement=statement, form=form, opening=opening), status


def _comment_period_data(statement: Statement, opening: bool) -> dict:
    """The form's starting values: the end set now (in the coordinator's zone), else none."""
    from statements.core.timezones import zone_info

    zone = _default_zone()
    data = {"time_zone": zone, "at_the_end": "close" if statement.comment_period_closes_itself else "remind",
            "open_to_network": statement.open_to_network}
    if not opening and statement.comment_period_ends_at:
        local = statement.comment_period_ends_at.astimezone(zone_info(zone))
        data |= {"ends_date": local.strftime("%Y-%m-%d"), "ends_time": local.strftime("%H:%M")}
    return data


@bp.route("/statements/<int:statement_id>/preview", methods=["POST"])
@preview_limit()
def preview(statement_id: int):
    """Render Markdown for the editor's live preview (the page works without it)."""
    _load(statement_id, Permission.STATEMENT_EDIT)
    text = request.form.get("text", "")
    if len(text) > TEXT_MAX:
        abort(413)
    return str(render_markdown(text))
