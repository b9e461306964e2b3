"""Pages for suggested changes: propose one on a passage, list them, support, accept or reject."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from statements.comments.views import quote_asked_for, revision_number_given
from statements.core.errors import Conflict, InvalidInput, NotAllowed
from statements.core.forms import add_error
from statements.core.markdown import render_changes
from statements.core.loaders import load_for
from statements.core.policy import Permission
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import csrf, db, posting_limit
from statements.suggestions import bp, services
from statements.suggestions.forms import AcceptForm, RejectForm, SuggestionForm
from statements.suggestions.models import Suggestion

#: the list's status filter: value -> label, in the filter's order
STATUS_FILTERS = ("pending", "accepted", "rejected", "all")


@bp.app_template_global()
def suggestion_for_thread(thread_id: int) -> Suggestion | None:
    """The suggestion a thread discusses, so the thread page links back to it."""
    return services.for_thread(thread_id)


@bp.app_template_global()
def suggestion_count(statement: Statement) -> int:
    """How many suggestions on a statement wait for a decision (for its page, which drafting draws)."""
    return services.pending_count(statement)


def _suggestion_url(suggestion: Suggestion) -> str:
    return url_for("suggestions.suggestion", suggestion_id=suggestion.id)


def _author_and_paragraph() -> tuple[int | None, int | None]:
    """The author and paragraph filters the address asks for (None: any)."""
    author = request.args.get("author", "")
    author_id = int(author) if author.isascii() and author.isdigit() and len(author) < 10 else None
    paragraph = request.args.get("paragraph", "")
    paragraph = int(paragraph) if paragraph.isascii() and paragraph.isdigit() and len(paragraph) < 6 else None
    return author_id, paragraph


def _by_author_and_paragraph(suggestions: list[Suggestion], text: str, author_id: int | None,
                             paragraph: int | None) -> list[Suggestion]:
    return [s for s in suggestions if (author_id is None or s.author_id == author_id)
            and (paragraph is None or services.paragraph_of(text, s.position) == paragraph)]


def _authors(suggestions: list[Suggestion]) -> list:
    return sorted({s.author for s in suggestions if s.author}, key=lambda u: u.display_name.casefold())


def _list_page(statement: Statement, error: str | None = None, status_code: int = 200):
    """The list of a statement's suggestions, filtered as the address says."""
    status = request.args.get("status", "pending")
    status = status if status in STATUS_FILTERS else "pending"
    author_id, paragraph = _author_and_paragraph()
    text = drafts.current_text(statement)
    everyone = services.suggestions_of(statement)
    shown = [s for s in _by_author_and_paragraph(everyone, text, author_id, paragraph)
             if status == "all" or s.status == status]
    authors = _authors(everyone)
    return render_template("suggestions/list.html", statement=statement, suggestions=shown, status=status,
                           author_id=author_id, paragraph=paragraph, authors=authors, error=error,
                           paragraphs=sorted({services.paragraph_of(text, s.position) for s in everyone}),
                           paragraph_of=lambda s: services.paragraph_of(text, s.position),
                           competing=services.competing(services.pending_of(statement))), status_code


@bp.route("/statements/<int:statement_id>/suggestions")
def suggestions(statement_id: int):
    return _list_page(load_for(Statement, statement_id, Permission.STATEMENT_VIEW))


@bp.route("/statements/<int:statement_id>/suggestions/tracked")
def tracked(statement_id: int):
    statement = load_for(Statement, statement_id, Permission.STATEMENT_VIEW)
    text, every_pending = drafts.current_text(statement), services.pending_of(statement)
    author_id, paragraph = _author_and_paragraph()
    pending = _by_author_and_paragraph(every_pending, text, author_id, paragraph)
    pieces = services.tracked_pieces(text, pending)
    view = "source" if request.args.get("view") == "source" else "rendered"
    rendered = render_changes(services.tracked_ops(pieces)) if view == "rendered" else None
    if rendered is None:  # asked for the source, or too much Markdown to format: the source, as typed
        view = "source"
    shown = [s for kind, _words, s in pieces if kind == "change"]
    return render_template("suggestions/tracked.html", statement=statement, pieces=pieces, view=view,
                           rendered=rendered, shown_suggestions=shown, shown=len(shown), pending=len(pending),
                           authors=_authors(every_pending), author_id=author_id, paragraph=paragraph,
                           paragraphs=sorted({services.paragraph_of(text, s.position) for s in every_pending}))


@bp.route("/statements/<int:statement_id>/suggestions/accept", methods=["POST"])
def accept_several(statement_id: int):
    statement = load_for(Statement, statement_id, Permission.SUGGESTION_DECIDE)
    ids = {int(i) for i in request.form.getlist("suggestion") if i.isascii() and i.isdigit() and len(i) < 10}
    # only this statement's suggestions: an id of another statement's is not one to choose here
    chosen = [s for s in services.pending_of(statement) if s.id in ids]
    try:
        services.accept_several(current_user, statement, chosen)
        db.session.commit()
    except (InvalidInput, NotAllowed, Conflict) as error:
        db.session.rollback()
        return _list_page(statement, error.message, error.status_code)
    flash(_("%(count)s suggestions are accepted, in revision %(number)s.", count=len(chosen),
            number=statement.latest_number), "success")
    return redirect(url_for("suggestions.suggestions", statement_id=statement.id))


def _keep_expired_form(form) -> None:
    """Say a form's token expired beside what was typed, which comes back intact to be sent again."""
    if form.csrf_token.errors:
        form.csrf_token.errors = []
        form.form_errors.append(_("The page was open too long, so your suggestion was not posted yet. What you "
                                  "wrote is kept below: send it again."))


@bp.route("/statements/<int:statement_id>/suggestions/new", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired page comes back with the wording kept
@posting_limit()
def new_suggestion(statement_id: int):
    statement = load_for(Statement, statement_id, Permission.COMMENT_CREATE)
    latest = drafts.latest_revision(statement)
    form = SuggestionForm()
    if request.method == "GET":
        form.revision.data = str(latest.number)
        # the new wording starts from the words: people change words more often than they write them anew
        form.quote.data = form.replacement.data = quote_asked_for(latest)
    if form.validate_on_submit():
        number = revision_number_given(form.revision.data, latest.number)
        try:
            text = drafts.revision_text(drafts.get_revision(statement, number))
            suggestion = services.propose(current_user, statement, form.quote.data, number, text,
                                          form.replacement.data, form.reason.data)
            db.session.commit()
        except (InvalidInput, NotAllowed) as error:
            db.session.rollback()
            add_error(form, error)
        else:
            flash(_("Your suggestion is posted. The group can discuss and support it."), "success")
            return redirect(_suggestion_url(suggestion))
    _keep_expired_form(form)
    status = 400 if request.method == "POST" else 200
    return render_template("suggestions/new.html", statement=statement, form=form), status


def _suggestion_page(suggestion: Suggestion, accept_form=None, reject_form=None, status: int = 200):
    statement = suggestion.statement
    if accept_form is None:
        accept_form = AcceptForm(formdata=None, data={"replacement": suggestion.replacement})
    return render_template(
        "suggestions/suggestion.html", statement=statement, suggestion=suggestion,
        accept_form=accept_form, reject_form=reject_form or RejectForm(formdata=None),
        supported=services.supports(current_user, suggestion),
        by_organization=services.support_by_organization(suggestion),
        competitors=services.overlapping(suggestion, services.pending_of(statement)),
    ), status


@bp.route("/suggestions/<int:suggestion_id>")
def suggestion(suggestion_id: int):
    return _suggestion_page(load_for(Suggestion, suggestion_id, Permission.STATEMENT_VIEW))


@bp.route("/suggestions/<int:suggestion_id>/support", methods=["POST"])
def support(suggestion_id: int):
    suggestion = load_for(Suggestion, suggestion_id, Permission.COMMENT_CREATE)
    if request.form.get("action") == "withdraw":
        services.withdraw_support(current_user, suggestion)
        message = _("Your support is withdrawn.")
    else:
        services.support(current_user, suggestion)
        message = _("Your support is counted.")
    db.session.commit()
    flash(message, "success")
    return redirect(_suggestion_url(suggestion))


@bp.route("/suggestions/<int:suggestion_id>/accept", methods=["POST"])
def accept(suggestion_id: int):
    suggestion = load_for(Suggestion, suggestion_id, Permission.SUGGESTION_DECIDE)
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            # without the field (a form of an older page), the words as suggested
            words = form.replacement.data if "replacement" in request.form else None
            services.accept(current_user, suggestion, words)
            db.session.commit()
        except (InvalidInput, NotAllowed, Conflict) as error:
            db.session.rollback()
            add_error(form, error)
            return _suggestion_page(db.session.get(Suggestion, suggestion_id), accept_form=form,
                                    status=error.status_code)
        flash(_("The suggestion is accepted, in revision %(number)s.",
                number=suggestion.accepted_revision_number), "success")
        return redirect(_suggestion_url(suggestion))
    return _suggestion_page(suggestion, accept_form=form, status=400)


@bp.route("/suggestions/<int:suggestion_id>/reject", methods=["POST"])
def reject(suggestion_id: int):
    suggestion = load_for(Suggestion, suggestion_id, Permission.SUGGESTION_DECIDE)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            services.reject(current_user, suggestion, form.reason.data)
            db.session.commit()
        except (InvalidInput, Conflict) as error:
            db.session.rollback()
            add_error(form, error)
            return _suggestion_page(db.session.get(Suggestion, suggestion_id), reject_form=form,
                                    status=error.status_code)
        flash(_("The suggestion is rejected; its author is told why."), "success")
        return redirect(_suggestion_url(suggestion))
    return _suggestion_page(suggestion, reject_form=form, status=400)
