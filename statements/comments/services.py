"""Comment threads: open, reply, resolve, reopen, edit, delete; anchors follow new revisions;
participants and mentioned members are notified."""

import re
from functools import cache

from flask_babel import format_decimal, gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload

from statements.accounts.models import Membership, User
from statements.audit.services import record
from statements.comments import anchoring
from statements.comments.models import BODY_MAX, QUOTE_MAX, Comment, Mention, Thread, ThreadRead
from statements.core.db import QuickStatement, flushed_connection, upsert, utcnow
from statements.core.errors import InvalidInput, NotAllowed
from statements.drafts import events
from statements.drafts.models import Statement
from statements.extensions import db
from statements.notifications import services as notifications
from statements.notifications.kinds import MENTION, REPLY, THREAD_RESOLVED

MENTION_PATTERN = re.compile(r"(?<![\w@])@([\w.\-]{2,60})", re.UNICODE)
#: characters Markdown uses for emphasis and code, ignored when finding selected words in the source
_FORMATTING = set("*_`")


def mention_handle(user: User) -> str:
    """The word that mentions a person: their name without spaces, e.g. @CarmenCoordinator."""
    return re.sub(r"[^\w.\-]", "", user.display_name, flags=re.UNICODE)


def _check_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise InvalidInput(_("Write a comment before sending it."), field="body")
    if len(body) > BODY_MAX:
        raise InvalidInput(_("A comment can be at most %(max)s characters; this one has %(length)s. "
                             "Shorten it or split it into two.", max=format_decimal(BODY_MAX),
                             length=format_decimal(len(body))), field="body")
    return body


def locate_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Find selected words in the Markdown source, ignoring emphasis marks and runs of spaces."""
    raw = quote.strip()
    exact = text.find(raw) if raw else -1
    if exact != -1:
        return exact, exact + len(raw)
    quote = " ".join(quote.split())
    if not quote:
        return None
    plain, index_map, last_space = [], [], False
    for index, char in enumerate(text):
        if char in _FORMATTING:
            continue
        if char.isspace():
            if last_space:
                continue
            char, last_space = " ", True
        else:
            last_space = False
        plain.append(char)
        index_map.append(index)
    found = "".join(plain).find(quote)
    if found == -1:
        return None
    return index_map[found], index_map[found + len(quote) - 1] + 1


def open_thread(actor: User, statement: Statement, body: str, quote: str | None = None,
                revision_number: int | None = None, revision_text: str | None = None) -> Thread:
    """Start a thread on the whole statement, or on words of one revision of it."""
    body = _check_body(body)
    thread = Thread(statement_id=statement.id, author_id=actor.id)
    if quote is not None and quote.strip():
        if len(quote) > QUOTE_MAX:
            raise InvalidInput(_("Select at most %(max)s characters to comment on; for more, comment on the "
                                 "whole statement.", max=format_decimal(QUOTE_MAX)), field="quote")
        span = locate_quote(revision_text or "", quote)
        if span is None:
            raise InvalidInput(_("The words you selected are not in revision %(number)s. Reload the "
                                 "statement and select them again.", number=revision_number), field="quote")
        anchor = anchoring.anchor_at(revision_text, *span)
        thread.original_quote, thread.original_revision = anchor.quote, revision_number
        _set_anchor(thread, anchoring.Placement(anchoring.EXACT, anchor, 1.0), revision_number)
    db.session.add(thread)
    db.session.flush()
    _catch_up(thread)  # the words may be quoted from a revision someone has since replaced
    _add_comment(actor, thread, body, new_thread=True)
    record(actor, "thread.opened", thread, f"{actor.display_name} opened a thread on “{statement.title}”",
           group_id=statement.group_id)
    return thread


def _set_anchor(thread: Thread, placement: anchoring.Placement, revision_number: int) -> None:
    thread.anchor_status, thread.anchor_revision, thread.similarity = placement.status, revision_number, \
        placement.similarity
    if placement.anchor is not None:
        a = placement.anchor
        thread.quote, thread.prefix, thread.suffix, thread.position = a.quote, a.prefix, a.suffix, a.position


def reply(actor: User, thread: Thread, body: str) -> Comment:
    """Add a reply to a thread (a resolved thread can be replied to; it stays resolved)."""
    return _add_comment(actor, thread, _check_body(body))


def _add_comment(actor: User, thread: Thread, body: str, new_thread: bool = False) -> Comment:
    comment = Comment(thread=thread, author_id=actor.id, body=body)
    db.session.add(comment)
    db.session.flush()
    _notify(actor, thread, comment, new_thread)
    return comment


def _notify(actor: User, thread: Thread, comment: Comment, new_thread: bool) -> None:
    """Tell the thread's participants and anyone mentioned, except the writer."""
    statement = thread.statement
    members = db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id).where(Membership.group_id == statement.group_id)
    ).all()
    by_handle = {mention_handle(m).casefold(): m for m in members}
    mentioned = set()
    for handle in MENTION_PATTERN.findall(comment.body):
        # "@CarmenCoordinator." ends a sentence: the full stop is not part of the name, unless a name ends so
        member = by_handle.get(handle.casefold()) or by_handle.get(handle.rstrip(".-").casefold())
        if member is not None:
            mentioned.add(member.id)
    for member_id in mentioned - {actor.id}:  # kept for the person's to-do list, whatever their mail settings
        db.session.add(Mention(comment_id=comment.id, user_id=member_id))
    mentioned_people = [m for m in members if m.id in mentioned]
    participants = [] if new_thread else [p for p in notifications.audience(REPLY, statement, thread)
                                          if p.id not in mentioned]
    notifications.notify(MENTION, statement, actor=actor, thread=thread, comment=comment, recipients=mentioned_people)
    notifications.notify(REPLY, statement, actor=actor, thread=thread, comment=comment, recipients=participants)


def resolve(actor: User, thread: Thread) -> None:
    if thread.resolved_at is not None:
        raise InvalidInput(_("This thread is already resolved."))
    thread.resolved_at, thread.resolved_by_id = utcnow(), actor.id
    notifications.notify(THREAD_RESOLVED, thread.statement, actor=actor, thread=thread)
    record(actor, "thread.resolved", thread, f"{actor.display_name} resolved a thread on “{thread.statement.title}”",
           group_id=thread.statement.group_id)


def reopen(actor: User, thread: Thread) -> None:
    if thread.resolved_at is None:
        raise InvalidInput(_("This thread is already open."))
    thread.resolved_at, thread.resolved_by_id = None, None
    _catch_up(thread)
    record(actor, "thread.reopened", thread, f"{actor.display_name} reopened a thread on “{thread.statement.title}”",
           group_id=thread.statement.group_id)


def edit_comment(actor: User, comment: Comment, body: str) -> None:
    if comment.deleted_at is not None:
        raise InvalidInput(_("This comment was deleted and cannot be edited."))
    if comment.author_id != actor.id and not actor.is_admin:
        raise NotAllowed(_("You can only edit your own comments."))
    body = _check_body(body)
    if body != comment.body:
        comment.body, comment.edited_at = body, utcnow()


def delete_comment(actor: User, comment: Comment) -> None:
    """Remove a comment's words, leaving a trace that it was there."""
    if comment.deleted_at is not None:
        return
    if comment.author_id != actor.id and not actor.is_admin:
        raise NotAllowed(_("You can only delete your own comments."))
    comment.body, comment.deleted_at = "", utcnow()
    record(actor, "comment.deleted", comment, f"{actor.display_name} deleted a comment",
           group_id=comment.thread.statement.group_id)


@events.revision_saved.connect
def _place_threads_in_new_revision(statement: Statement, number: int, previous_text: str | None, text: str,
                                   **_ignored) -> None:
    if previous_text is not None:
        reanchor_open_threads(statement.id, previous_text, text, number)


def reanchor_open_threads(statement_id: int, old_text: str, new_text: str, revision_number: int) -> None:
    """Place every open anchored thread again in a new revision; a passage that is gone is marked removed."""
    threads = db.session.scalars(
        select(Thread).where(Thread.statement_id == statement_id, Thread.resolved_at.is_(None),
                             Thread.original_quote.is_not(None), Thread.anchor_status != anchoring.REMOVED)
    ).all()
    if not threads:
        return
    _place_again(threads, old_text, new_text, revision_number)


def _place_again(threads: list[Thread], old_text: str, new_text: str, revision_number: int) -> None:
    anchors = [anchoring.Anchor(t.quote, t.prefix or "", t.suffix or "", t.position or 0) for t in threads]
    for thread, placement in zip(threads, anchoring.place_all(anchors, old_text, new_text)):
        if placement.status == anchoring.FUZZY:
            # similarity is measured against the words first quoted, so drift over many edits shows
            placement = anchoring.Placement(placement.status, placement.anchor,
                                            anchoring.similarity(thread.original_quote, placement.anchor.quote))
        _set_anchor(thread, placement, revision_number)


def _catch_up(thread: Thread) -> None:
    """Place a thread in the latest revision, if it stands in an earlier one (reopened, or quoted from one)."""
    statement = thread.statement
    if not thread.is_anchored or thread.anchor_status == anchoring.REMOVED \
            or thread.anchor_revision == statement.latest_number:
        return
    from statements.drafts import services as drafts  # (its views show threads: imported late to avoid a cycle)

    old_text = drafts.revision_text(drafts.get_revision(statement, thread.anchor_revision))
    _place_again([thread], old_text, drafts.current_text(statement), statement.latest_number)


def threads_of(statement: Statement, status: str | None = None) -> list[Thread]:
    return db.session.scalars(_threads_query(status if status in ("open", "resolved") else None),
                              {"statement": statement.id}).all()


@cache
def _threads_query(status: str | None):
    query = (select(Thread).where(Thread.statement_id == bindparam("statement")).order_by(Thread.created_at)
             .options(selectinload(Thread.comments)))
    if status == "open":
        query = query.where(Thread.resolved_at.is_(None))
    elif status == "resolved":
        query = query.where(Thread.resolved_at.is_not(None))
    return query


def thread_counts(statement: Statement) -> dict[str, int]:
    """How many of a statement's threads are open and resolved (its page asks every time)."""
    rows = _THREAD_COUNTS.rows(flushed_connection(), {"statement": statement.id})
    counts = {"open": 0, "resolved": 0}
    for is_open, count in rows:
        counts["open" if is_open else "resolved"] += count
    return counts


_THREAD_COUNTS = QuickStatement(
    select(Thread.resolved_at.is_(None), func.count()).where(Thread.statement_id == bindparam("statement"))
    .group_by(Thread.resolved_at.is_(None)))


def mark_thread_read(user: User, thread: Thread) -> None:
    """Remember that a person has read a thread up to its latest comment."""
    last = db.session.scalar(select(func.max(Comment.id)).where(Comment.thread_id == thread.id)) or 0
    upsert(ThreadRead, {"user_id": user.id, "thread_id": thread.id}, {"last_comment_id": last, "read_at": utcnow()})
    notifications.mark_read_about(user, thread=thread)
