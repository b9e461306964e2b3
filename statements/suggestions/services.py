"""Suggested changes: propose, support, accept (as a new revision, through the merge of concurrent saves) or
reject; each follows its passage through later revisions as comment threads do."""

import re
from collections import Counter

from flask_babel import format_decimal, gettext as _
from sqlalchemy import bindparam, func, select, update

from statements.accounts.models import User
from statements.audit.services import record
from statements.comments import anchoring
from statements.comments import services as comments
from statements.comments.models import QUOTE_MAX
from statements.core.db import QuickStatement, flushed_connection, utcnow
from statements.core.errors import Conflict, InvalidInput
from statements.drafts import events
from statements.drafts import notes as revision_notes
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from statements.notifications import services as notifications
from statements.notifications.kinds import SUGGESTION_ACCEPTED, SUGGESTION_NEW, SUGGESTION_REJECTED
from statements.suggestions.models import REASON_MAX, REPLACEMENT_MAX, Status, Suggestion, Support

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


# --- proposing ---------------------------------------------------------------------------------------

def _check_replacement(replacement: str | None) -> str:
    replacement = (replacement or "").replace("\r\n", "\n").strip()
    if len(replacement) > REPLACEMENT_MAX:
        raise InvalidInput(_("The new wording can be at most %(max)s characters; this one has %(length)s. Suggest "
                             "a change to a shorter passage, or edit the draft.", max=format_decimal(REPLACEMENT_MAX),
                             length=format_decimal(len(replacement))), field="replacement")
    return replacement


def _check_reason(reason: str | None, field: str = "reason") -> str:
    reason = (reason or "").replace("\r\n", "\n").strip()
    if not reason:
        raise InvalidInput(_("Say why, so that the group can weigh it."), field=field)
    if len(reason) > REASON_MAX:
        raise InvalidInput(_("The reason can be at most %(max)s characters; this one has %(length)s.",
                             max=format_decimal(REASON_MAX), length=format_decimal(len(reason))), field=field)
    return reason


def _passage(statement: Statement, quote: str | None, revision_number: int, revision_text: str) -> anchoring.Anchor:
    """Find the selected words in the revision they were selected in, and check they still stand in the latest."""
    quote = (quote or "").strip()
    if not quote:
        raise InvalidInput(_("Select the words you want to change first."), field="quote")
    if len(quote) > QUOTE_MAX:
        raise InvalidInput(_("Select at most %(max)s characters to change; for more, edit the draft.",
                             max=format_decimal(QUOTE_MAX)), field="quote")
    span = comments.locate_quote(revision_text, quote)
    if span is None:
        raise InvalidInput(_("The words you selected are not in revision %(number)s. Reload the statement and "
                             "select them again.", number=revision_number), field="quote")
    anchor = anchoring.anchor_at(revision_text, *span)
    if revision_number != statement.latest_number:
        placement = anchoring.place(anchor, drafts.current_text(statement))
        if placement.status != anchoring.EXACT:
            raise InvalidInput(_("These words changed in a revision saved since you opened the page. Your wording "
                                 "is kept below: reload the statement, select the passage again and paste it."),
                               field="quote")
    return anchor


def propose(actor: User, statement: Statement, quote: str | None, revision_number: int, revision_text: str,
            replacement: str | None, reason: str | None) -> Suggestion:
    """Suggest new wording for words of one revision, opening a thread on the same passage to discuss it."""
    drafts.check_editable(statement)
    replacement, reason = _check_replacement(replacement), _check_reason(reason)
    anchor = _passage(statement, quote, revision_number, revision_text)
    if replacement == anchor.quote:
        raise InvalidInput(_("The new wording is the same as the passage. Change it, or leave it empty to "
                             "suggest deleting the passage."), field="replacement")
    thread = comments.open_thread(actor, statement, reason, anchor.quote, revision_number, revision_text)
    suggestion = Suggestion(
        statement_id=statement.id, author_id=actor.id, revision_number=revision_number,
        original_quote=anchor.quote, original_start=anchor.position, original_end=anchor.position + len(anchor.quote),
        replacement=replacement, reason=reason, thread_id=thread.id, status=Status.PENDING.value,
    )
    _set_anchor(suggestion, anchoring.Placement(anchoring.EXACT, anchor, 1.0), revision_number)
    db.session.add(suggestion)
    db.session.flush()
    if revision_number != statement.latest_number:
        _place_again([suggestion], revision_text, drafts.current_text(statement), statement.latest_number)
    notifications.notify(SUGGESTION_NEW, statement, actor=actor, thread=thread)
    record(actor, "suggestion.proposed", suggestion, f"{actor.display_name} suggested a change to “{statement.title}”",
           group_id=statement.group_id)
    return suggestion


# --- following the text ------------------------------------------------------------------------------

def _set_anchor(suggestion: Suggestion, placement: anchoring.Placement, revision_number: int) -> None:
    suggestion.anchor_status, suggestion.anchor_revision = placement.status, revision_number
    if placement.anchor is not None:
        a = placement.anchor
        suggestion.quote, suggestion.prefix, suggestion.suffix, suggestion.position = \
            a.quote, a.prefix, a.suffix, a.position
    # once its passage has changed, the wording was written for other words: it stays out of date
    suggestion.out_of_date = bool(suggestion.out_of_date) or placement.status != anchoring.EXACT


def _place_again(suggestions: list[Suggestion], old_text: str, new_text: str, revision_number: int) -> None:
    anchors = [anchoring.Anchor(s.quote, s.prefix or "", s.suffix or "", s.position) for s in suggestions]
    for suggestion, placement in zip(suggestions, anchoring.place_all(anchors, old_text, new_text)):
        _set_anchor(suggestion, placement, revision_number)


@events.revision_saved.connect
def follow_new_revision(statement: Statement, number: int, previous_text: str | None, text: str,
                         **_ignored) -> None:
    if previous_text is None:
        return
    pending = db.session.scalars(
        select(Suggestion).where(Suggestion.statement_id == statement.id, Suggestion.status == Status.PENDING.value,
                                 Suggestion.anchor_status != anchoring.REMOVED)
    ).all()
    if pending:
        _place_again(pending, previous_text, text, number)


# --- supporting --------------------------------------------------------------------------------------

def supports(user: User, suggestion: Suggestion) -> bool:
    return any(s.user_id == user.id for s in suggestion.supports)


def support(actor: User, suggestion: Suggestion) -> None:
    """Add a person's support to a pending suggestion (supporting twice counts once)."""
    _require_pending(suggestion)
    if suggestion.author_id == actor.id:
        raise InvalidInput(_("This is your own suggestion: your support is already counted as its author's."))
    if not supports(actor, suggestion):
        suggestion.supports.append(Support(user_id=actor.id, organization_id=actor.organization_id))
        db.session.flush()


def withdraw_support(actor: User, suggestion: Suggestion) -> None:
    """Take back a person's support of a pending suggestion."""
    _require_pending(suggestion)
    for row in list(suggestion.supports):
        if row.user_id == actor.id:
            suggestion.supports.remove(row)
    db.session.flush()


def support_by_organization(suggestion: Suggestion) -> list[tuple[str, int]]:
    """How many people support a suggestion, per organization, the most first."""
    counts = Counter(s.organization.name if s.organization else None for s in suggestion.supports)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0] is None, item[0] or ""))


# --- deciding ----------------------------------------------------------------------------------------

def _require_pending(suggestion: Suggestion) -> None:
    if suggestion.is_pending:
        return
    who = suggestion.decided_by.display_name if suggestion.decided_by else _("Someone")
    if suggestion.status == Status.ACCEPTED.value:
        raise Conflict(_("%(name)s already accepted this suggestion, into revision %(number)s.", name=who,
                         number=suggestion.accepted_revision_number))
    raise Conflict(_("%(name)s already rejected this suggestion.", name=who))


def _claim(actor: User, suggestion: Suggestion, status: Status) -> None:
    """Decide a suggestion only if nobody has meanwhile: of two coordinators deciding at once, one wins."""
    now = utcnow()
    claimed = db.session.execute(
        update(Suggestion).where(Suggestion.id == suggestion.id, Suggestion.status == Status.PENDING.value)
        .values(status=status.value, decided_by_id=actor.id, decided_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.refresh(suggestion)
        _require_pending(suggestion)
    suggestion.status, suggestion.decided_by_id, suggestion.decided_at = status.value, actor.id, now
    suggestion.decided_by = actor


def overlapping(suggestion: Suggestion, others: list[Suggestion]) -> list[Suggestion]:
    """The pending suggestions whose passage overlaps this one's in the same revision."""
    return [o for o in others if o.id != suggestion.id and o.is_pending and o.anchor_status != anchoring.REMOVED
            and suggestion.anchor_status != anchoring.REMOVED and o.anchor_revision == suggestion.anchor_revision
            and o.position < suggestion.end and suggestion.position < o.end]


def accept(actor: User, suggestion: Suggestion, replacement: str | None = None) -> Suggestion:
    """Take a suggestion (or the coordinator's edit of it) into a new revision, crediting its author."""
    words = suggestion.replacement if replacement is None else _check_replacement(replacement)
    _take_in(actor, suggestion.statement, [(suggestion, words)])
    return suggestion


def accept_several(actor: User, statement: Statement, chosen: list[Suggestion]) -> list[Suggestion]:
    """Take several suggestions on passages that do not overlap into one new revision, crediting each author."""
    if len(chosen) < 2:
        raise InvalidInput(_("Choose at least two suggestions to accept together."), field="suggestion")
    _take_in(actor, statement, [(s, s.replacement) for s in chosen])
    return chosen


def _author_name(suggestion: Suggestion) -> str:
    return suggestion.author.display_name if suggestion.author else _("Someone")


def _check_applicable(statement: Statement, chosen: list[tuple[Suggestion, str]]) -> None:
    for suggestion, _words in chosen:
        db.session.refresh(suggestion)
        _require_pending(suggestion)
    drafts.check_editable(statement, _("This statement is %(state)s: its text is locked, so no suggestion can be "
                                       "accepted. A coordinator can reopen the draft first."))
    for suggestion, _words in chosen:
        if suggestion.out_of_date or suggestion.anchor_status != anchoring.EXACT \
                or suggestion.anchor_revision != chosen[0][0].anchor_revision:
            raise Conflict(_("The passage changed since this suggestion was made, so it cannot be accepted as it is. "
                             "Edit the draft instead, or ask its author to suggest the change again."))
    suggestions = [s for s, _words in chosen]
    for suggestion in suggestions:
        clash = overlapping(suggestion, suggestions)
        if clash:
            raise InvalidInput(_("The suggestions by %(first)s and %(second)s change the same words: accept one of "
                                 "them at a time.", first=_author_name(suggestion), second=_author_name(clash[0])),
                               field="suggestion")


def _take_in(actor: User, statement: Statement, chosen: list[tuple[Suggestion, str]]) -> None:
    """Write the chosen wordings into one new revision, through the merge of concurrent saves."""
    drafts.lock_for_writing(statement)
    _check_applicable(statement, chosen)
    base_number = chosen[0][0].anchor_revision
    proposed = drafts.revision_text(drafts.get_revision(statement, base_number))
    for suggestion, words in sorted(chosen, key=lambda pair: pair[0].position, reverse=True):
        # from the end of the text backwards, so each passage's offsets still hold
        proposed = proposed[:suggestion.position] + words + proposed[suggestion.end:]
    proposed = drafts.check_text(proposed)
    suggestions = [s for s, _words in chosen]
    competitors = {o.id: o for s in suggestions for o in overlapping(s, pending_of(statement))
                   if o not in suggestions}
    for suggestion in suggestions:
        _claim(actor, suggestion, Status.ACCEPTED)
    # the note is stored as what it says (each reader reads it in their language), with its words in English
    names = sorted({s.author.display_name if s.author else "" for s in suggestions})
    authors = [name or "a former member" for name in names]
    note = (f"Suggestion by {authors[0]} accepted" if len(suggestions) == 1
            else f"Suggestions by {', '.join(authors)} accepted")
    result = drafts.save_revision(actor, statement, base_number, proposed, note[:200],
                                  said=revision_notes.said(revision_notes.SUGGESTIONS_ACCEPTED, names=names,
                                                         count=len(suggestions)))
    if result.conflict is not None or result.unchanged:
        raise Conflict(_("The text changed where this suggestion applies. Reload the page and look again."))
    for suggestion, words in chosen:
        suggestion.accepted_revision_number, suggestion.accepted_text = result.revision.number, words
        _close_thread(actor, suggestion)
        notifications.notify(SUGGESTION_ACCEPTED, statement, actor=actor, thread=suggestion.thread,
                             recipients=[suggestion.author] if suggestion.author else [])
        author = suggestion.author.display_name if suggestion.author else "a former member"
        record(actor, "suggestion.accepted", suggestion, f"{actor.display_name} accepted a suggestion by "
               f"{author} on “{statement.title}” into revision {result.revision.number}",
               group_id=statement.group_id)
    for other in competitors.values():
        other.out_of_date = True


def _close_thread(actor: User, suggestion: Suggestion) -> None:
    """Resolve a decided suggestion's thread: the discussion has its answer (it can still be reopened).

    Marked here rather than through comments.resolve, whose notice would tell the author a second time."""
    thread = suggestion.thread
    if thread is not None and thread.resolved_at is None:
        thread.resolved_at, thread.resolved_by_id = utcnow(), actor.id


def reject(actor: User, suggestion: Suggestion, reason: str | None) -> Suggestion:
    """Turn a suggestion down, saying why."""
    reason = _check_reason(reason)
    _require_pending(suggestion)
    _claim(actor, suggestion, Status.REJECTED)
    suggestion.decision_reason = reason
    statement = suggestion.statement
    _close_thread(actor, suggestion)
    notifications.notify(SUGGESTION_REJECTED, statement, actor=actor, thread=suggestion.thread,
                         recipients=[suggestion.author] if suggestion.author else [])
    record(actor, "suggestion.rejected", suggestion, f"{actor.display_name} rejected a suggestion on "
           f"“{statement.title}”", group_id=statement.group_id)
    return suggestion


# --- listing -----------------------------------------------------------------------------------------

def pending_of(statement: Statement) -> list[Suggestion]:
    return db.session.scalars(select(Suggestion).where(Suggestion.statement_id == statement.id,
                                                       Suggestion.status == Status.PENDING.value)
                              .order_by(Suggestion.position, Suggestion.id)).all()


def pending_count(statement: Statement) -> int:
    """How many suggestions on a statement wait for a decision (counted, not loaded; its page asks every time)."""
    return _PENDING_COUNT.scalar(flushed_connection(), {"statement": statement.id})


_PENDING_COUNT = QuickStatement(
    select(func.count()).select_from(Suggestion).where(Suggestion.statement_id == bindparam("statement"),
                                                       Suggestion.status == Status.PENDING.value))


def paragraph_of(text: str, position: int) -> int:
    """The number (from 1) of the paragraph a position of a text stands in."""
    return len(_PARAGRAPH_BREAK.findall(text, 0, max(0, position))) + 1


def suggestions_of(statement: Statement, status: str | None = None, author_id: int | None = None) -> list[Suggestion]:
    """A statement's suggestions in the order of the text, filtered by status and author."""
    query = select(Suggestion).where(Suggestion.statement_id == statement.id)
    if status in {s.value for s in Status}:
        query = query.where(Suggestion.status == status)
    if author_id is not None:
        query = query.where(Suggestion.author_id == author_id)
    return db.session.scalars(query.order_by(Suggestion.position, Suggestion.id)).all()


def competing(suggestions: list[Suggestion]) -> dict[int, list[Suggestion]]:
    """For each pending suggestion, the others pending on an overlapping passage."""
    return {s.id: overlapping(s, suggestions) for s in suggestions if s.is_pending}


def for_thread(thread_id: int) -> Suggestion | None:
    """The suggestion a comment thread discusses, if it is one's."""
    return db.session.scalar(select(Suggestion).where(Suggestion.thread_id == thread_id))


def tracked_pieces(text: str, pending: list[Suggestion]) -> list[tuple[str, str, Suggestion | None]]:
    """Cut a text into pieces showing each pending suggestion in place as a tracked change: ("same", words,
    None), ("change", passage, suggestion). Of suggestions competing for the same words, the first is shown."""
    pieces, position = [], 0
    for suggestion in sorted(pending, key=lambda s: (s.position, s.id)):
        if suggestion.out_of_date or suggestion.anchor_status != anchoring.EXACT or suggestion.position < position:
            continue
        pieces.append(("same", text[position:suggestion.position], None))
        pieces.append(("change", text[suggestion.position:suggestion.end], suggestion))
        position = suggestion.end
    pieces.append(("same", text[position:], None))
    return [piece for piece in pieces if piece[1] or piece[2] is not None]


def tracked_ops(pieces: list[tuple[str, str, Suggestion | None]]) -> list[tuple[int, str]]:
    """The pieces of tracked_pieces as diff operations (kept, removed, added words), for rendering the draft
    as readers see it with each suggestion's removals and additions marked as the compare page marks them."""
    ops: list[tuple[int, str]] = []
    for kind, words, suggestion in pieces:
        if kind == "same":
            ops.append((0, words))
        else:
            ops.append((-1, words))
            if suggestion.replacement:
                ops.append((1, suggestion.replacement))
    return ops
