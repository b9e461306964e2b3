"""Pages for comment threads: open one (on a passage or the whole text), reply, resolve, reopen,
edit and delete comments."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from statements.comments import bp, services
from statements.comments.forms import CommentForm, NewThreadForm
from statements.comments.models import Comment, Thread
from statements.core.errors import InvalidInput
from statements.core.forms import add_error
from statements.core.loaders import load_for
from statements.core.policy import Permission
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db, posting_limit


def _thread_url(thread: Thread) -> str:
    return url_for("comments.thread", thread_id=thread.id)


def block_quote(text: str, block: str) -> str | None:
    """Return lines a-b of a text: the paragraph a "Comment on this paragraph" link points at."""
    first, _dash, last = block.partition("-")
    if not (block.isascii() and first.isdigit() and last.isdigit()) or len(block) > 20:
        return None
    return "\n".join(text.split("\n")[int(first) - 1:int(last)]).strip() or None


def quote_asked_for(latest) -> str:
    """The words a new thread or suggestion starts on: those selected (?quote=), or a paragraph (?block=)."""
    if request.args.get("block"):
        return block_quote(drafts.revision_text(latest), request.args["block"]) or ""
    return request.args.get("quote", "")[:services.QUOTE_MAX + 1]


def revision_number_given(given: str | None, latest: int) -> int:
    """The revision a form says its words were taken from; the latest when it says nothing readable."""
    given = given or ""
    return int(given) if given.isascii() and given.isdigit() and len(given) < 10 else latest


@bp.route("/statements/<int:statement_id>/threads")
def threads(statement_id: int):
    statement = load_for(Statement, statement_id, Permission.STATEMENT_VIEW, options=(joinedload(Statement.group),))
    status = request.args.get("status", "open")
    status = status if status in ("open", "resolved", "all") else "open"
    return render_template("comments/threads.html", statement=statement, status=status,
                           threads=services.threads_of(statement, None if status == "all" else status),
                           counts=services.thread_counts(statement))


@bp.route("/statements/<int:statement_id>/threads/new", methods=["GET", "POST"])
@posting_limit()
def new_thread(statement_id: int):
    statement = load_for(Statement, statement_id, Permission.COMMENT_CREATE)
    latest = drafts.latest_revision(statement)
    form = NewThreadForm()
    if request.method == "GET":
        form.revision.data = str(latest.number)
        form.quote.data = quote_asked_for(latest)
    if form.validate_on_submit():
        quote = (form.quote.data or "").strip() or None
        revision_number = revision_number_given(form.revision.data, latest.number)
        try:
            text = drafts.revision_text(drafts.get_revision(statement, revision_number)) if quote else None
            thread = services.open_thread(current_user, statement, form.body.data, quote, revision_number, text)
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            add_error(form, error)
        else:
            flash(_("Your comment is posted."), "success")
            return redirect(_thread_url(thread))
    status = 400 if request.method == "POST" else 200
    return render_template("comments/new.html", statement=statement, form=form), status


@bp.route("/threads/<int:thread_id>")
def thread(thread_id: int):
    thread = load_for(Thread, thread_id, Permission.STATEMENT_VIEW)
    page = render_template("comments/thread.html", thread=thread, statement=thread.statement, form=CommentForm())
    services.mark_thread_read(current_user, thread)
    db.session.commit()
    return page


@bp.route("/threads/<int:thread_id>/replies", methods=["POST"])
@posting_limit()
def reply(thread_id: int):
    thread = load_for(Thread, thread_id, Permission.COMMENT_CREATE)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            comment = services.reply(current_user, thread, form.body.data)
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            add_error(form, error)
        else:
            flash(_("Your reply is posted."), "success")
            return redirect(_thread_url(thread) + f"#comment-{comment.id}")
    return render_template("comments/thread.html", thread=thread, statement=thread.statement, form=form), 400


@bp.route("/threads/<int:thread_id>/resolve", methods=["POST"])
def resolve(thread_id: int):
    thread = load_for(Thread, thread_id, Permission.THREAD_RESOLVE)
    services.resolve(current_user, thread)
    db.session.commit()
    flash(_("The thread is resolved."), "success")
    return redirect(_thread_url(thread))


@bp.route("/threads/<int:thread_id>/reopen", methods=["POST"])
def reopen(thread_id: int):
    thread = load_for(Thread, thread_id, Permission.THREAD_RESOLVE)
    services.reopen(current_user, thread)
    db.session.commit()
    flash(_("The thread is open again."), "success")
    return redirect(_thread_url(thread))


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@posting_limit()
def edit_comment(comment_id: int):
    comment = load_for(Comment, comment_id, Permission.COMMENT_CHANGE)
    form = CommentForm(data={"body": comment.body})
    if form.validate_on_submit():
        try:
            services.edit_comment(current_user, comment, form.body.data)
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            add_error(form, error)
        else:
            flash(_("Your comment is updated."), "success")
            return redirect(_thread_url(comment.thread) + f"#comment-{comment.id}")
    status = 400 if request.method == "POST" else 200
    return render_template("comments/edit.html", comment=comment, statement=comment.thread.statement,
                           form=form), status


@bp.route("/comments/<int:comment_id>/delete", methods=["POST"])
def delete_comment(comment_id: int):
    comment = load_for(Comment, comment_id, Permission.COMMENT_CHANGE)
    services.delete_comment(current_user, comment)
    db.session.commit()
    flash(_("Your comment is deleted. A note that it was there stays in the thread."), "success")
    return redirect(_thread_url(comment.thread))
