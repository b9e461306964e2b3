"""Statements: create, save revisions (merging concurrent saves), restore, compare, and move
through the lifecycle."""

import re
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from flask_babel import format_decimal, gettext as _, lazy_gettext as _l
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from statements.accounts.models import User, WorkingGroup
from statements.audit.services import record
from statements.core.db import QuickStatement, WriteRace, flushed_connection, upsert, utcnow
from statements.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from statements.core.input import one_line
from statements.drafts import events, notes
from statements.drafts.deltas import apply_delta, make_delta
from statements.drafts.diffing import WORD_PATTERN, Diff, word_diff
from statements.drafts.merging import MergeResult, three_way_merge
from statements.drafts.models import (
    NOTE_MAX, SNAPSHOT_EVERY, TEXT_MAX, Correction, Revision, State, Statement, StatementRead, Transition,
)
from statements.extensions import db
from statements.notifications import services as notifications
from statements.notifications.kinds import NEW_REVISION

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

#: (from, to) -> the button's words. Who may take them: policy's STATEMENT_TRANSITION.
TRANSITIONS: dict[tuple[State, State], str] = {
    (State.DRAFT, State.COMMENT_PERIOD): _l("Open the comment period…"),
    (State.COMMENT_PERIOD, State.DRAFT): _l("End the comment period"),
    (State.DRAFT, State.FINAL): _l("Freeze the latest revision as final"),
    (State.COMMENT_PERIOD, State.FINAL): _l("Freeze the latest revision as final"),
    (State.FINAL, State.DRAFT): _l("Reopen the draft"),
    (State.FINAL, State.SIGNON_OPEN): _l("Open sign-on…"),
    (State.SIGNON_OPEN, State.SIGNON_CLOSED): _l("Close sign-on now"),
    (State.SIGNON_OPEN, State.DRAFT): _l("Close sign-on and reopen the draft"),
    (State.SIGNON_CLOSED, State.SIGNON_OPEN): _l("Reopen sign-on…"),
    (State.SIGNON_CLOSED, State.DRAFT): _l("Reopen the draft"),
    (State.SIGNON_CLOSED, State.PUBLISHED): _l("Publish…"),
    (State.FINAL, State.PUBLISHED): _l("Publish without sign-on…"),
}
#: transitions that need a form of their own (the sign-on settings), not just a button
NEEDS_SETTINGS = {State.SIGNON_OPEN}
#: transitions that first show what they will do and ask to go on: the open threads a final text leaves
#: behind, what publishing makes public
ASKS_FIRST = {State.FINAL, State.PUBLISHED}
#: a translation is drafted, commented and made final; sign-on and publication are its source's
TRANSLATION_STEPS = {(State.DRAFT, State.COMMENT_PERIOD), (State.COMMENT_PERIOD, State.DRAFT),
                     (State.DRAFT, State.FINAL), (State.COMMENT_PERIOD, State.FINAL), (State.FINAL, State.DRAFT)}


def slugify(title: str) -> str:
    """Make a short address from a title: lower-case ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = "-".join(words)[:60].strip("-")
    return slug or "statement"


def _check_slug(slug: str, statement_id: int | None = None) -> str:
    slug = slug.strip().lower()
    if not SLUG_PATTERN.match(slug) or len(slug) > 80:
        raise InvalidInput(_("Use only lower-case letters a–z, digits and single hyphens, for example "
                             "climate-justice-now."), field="slug")
    taken = db.session.scalar(select(Statement.id).where(Statement.slug == slug))
    if taken is not None and taken != statement_id:
        raise InvalidInput(_("Another statement already uses the address “%(slug)s”. Choose another.", slug=slug),
                           field="slug")
    return slug


def check_text(text: str) -> str:
    """Return a statement text with LF line ends, or refuse one over the length limit."""
    text = text.replace("\r\n", "\n")
    if len(text) > TEXT_MAX:
        raise InvalidInput(_("The text is %(length)s characters long; the limit is %(max)s. Split it or shorten it.",
                             length=format_decimal(len(text)), max=format_decimal(TEXT_MAX)), field="text")
    return text


def word_count(text: str) -> int:
    return len(WORD_PATTERN.findall(text))


def create_statement(actor: User, group: WorkingGroup, title: str, slug: str, language: str, summary: str,
                     text: str) -> Statement:
    """Open a statement in a working group, with its first revision."""
    statement = Statement(group=group, title=one_line(title), slug=_check_slug(slug or slugify(title)),
                          language=language, summary=(summary or "").strip(), created_by_id=actor.id)
    db.session.add(statement)
    db.session.flush()
    _write_revision(statement, actor, check_text(text), "First draft", base_number=None,
                    **notes.said(notes.FIRST_DRAFT))
    record(actor, "statement.created", statement, f"Opened the statement “{statement.title}”", group_id=group.id)
    return statement


def address_can_change(statement: Statement) -> bool:
    """A statement's short address may change until its text is final: after that, people may have it."""
    return statement.state_enum in (State.DRAFT, State.COMMENT_PERIOD)


def update_details(actor: User, statement: Statement, title: str, slug: str, language: str, summary: str) -> None:
    """Change a statement's title, address, language or summary."""
    if not address_can_change(statement) and slug.strip().lower() != statement.slug:
        raise NotAllowed(_("The address cannot change once the text is final: people may already have it."))
    statement.slug = _check_slug(slug, statement.id)
    statement.title, statement.language, statement.summary = one_line(title), language, (summary or "").strip()
    record(actor, "statement.details_changed", statement, f"Changed the details of “{statement.title}”",
           group_id=statement.group_id)


# --- reading revisions ---------------------------------------------------------------------

_text_cache: "OrderedDict[tuple, str]" = OrderedDict()
_TEXT_CACHE_SIZE = 64
#: requests run in threads: a look-up must not meet an eviction halfway
_text_cache_lock = threading.Lock()


def get_revision(statement: Statement, number: int) -> Revision:
    """Return a revision by number, or say it does not exist."""
    revision = None
    if 1 <= number <= statement.latest_number:  # a number past any column's range never reaches the database
        revision = db.session.scalar(_revision_query(), {"statement": statement.id, "number": number})
    if revision is None:
        raise NotFound(_("This statement has no revision %(number)s. It has revisions 1 to %(latest)s.",
                         number=number, latest=statement.latest_number))
    return revision


@cache
def _revision_query():
    return select(Revision).where(Revision.statement_id == bindparam("statement"),
                                  Revision.number == bindparam("number"))


def revision_text(revision: Revision) -> str:
    """Return a revision's full text, rebuilt from the last snapshot and the deltas after it."""
    key = (revision.id, revision.created_at)
    with _text_cache_lock:
        if key in _text_cache:
            _text_cache.move_to_end(key)
            return _text_cache[key]
    if revision.is_snapshot:
        text = revision.content
    else:
        first = ((revision.number - 1) // SNAPSHOT_EVERY) * SNAPSHOT_EVERY + 1
        chain = db.session.scalars(
            select(Revision).where(Revision.statement_id == revision.statement_id,
                                   Revision.number.between(first, revision.number)).order_by(Revision.number)
        ).all()
        text = chain[0].content
        for step in chain[1:]:
            text = apply_delta(text, step.content)
    _remember_text(key, text)
    return text


def _remember_text(key: tuple, text: str) -> None:
    with _text_cache_lock:
        _text_cache[key] = text
        if len(_text_cache) > _TEXT_CACHE_SIZE:
            _text_cache.popitem(last=False)


def latest_revision(statement: Statement) -> Revision:
    return get_revision(statement, statement.latest_number)


def current_text(statement: Statement) -> str:
    return revision_text(latest_revision(statement))


# --- saving ----------------------------------------------------------------------------------

@dataclass
class SaveResult:
    """What became of a save: a new revision (perhaps merged), nothing to save, or a conflict."""

    revision: Revision | None = None
    merged_with: list[str] = field(default_factory=list)
    conflict: MergeResult | None = None
    latest: Revision | None = None
    unchanged: bool = False


def lock_for_writing(statement: Statement) -> None:
    """Hold the statement for this transaction and reload it, so simultaneous saves and lifecycle
    steps queue up one after another instead of acting on what another has just changed.

    The no-op update takes the row lock on PostgreSQL and the write lock on SQLite; both are kept
    until the commit or rollback.
    """
    db.session.execute(
        update(Statement).where(Statement.id == statement.id).values(latest_number=Statement.latest_number)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(statement)


def check_editable(statement: Statement, message: str | None = None) -> None:
    """Refuse a change to the text of a statement made final (message: the words of the refusal, with %(state)s)."""
    if not statement.state_enum.text_is_editable:
        state = statement.state_enum.label.lower()
        raise NotAllowed(message.replace("%(state)s", state) if message else
                         _("This statement is %(state)s: its text is locked. "
                           "A coordinator can reopen the draft if it must change.", state=state))


_require_editable = check_editable


def _write_revision(statement: Statement, author: User, text: str, note: str, base_number: int | None,
                    previous_text: str | None = None, source_number: int | None = None, **extra) -> Revision:
    """Add revision latest+1, claiming the number first so that a simultaneous save must retry."""
    number = statement.latest_number + 1
    claimed = db.session.execute(
        update(Statement).where(Statement.id == statement.id, Statement.latest_number == number - 1)
        .values(latest_number=number).execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise WriteRace()
    set_committed_value(statement, "latest_number", number)  # already written by the claim above
    snapshot = previous_text is None or (number - 1) % SNAPSHOT_EVERY == 0
    revision = Revision(
        statement_id=statement.id, number=number, author_id=author.id, note=(note or "").strip()[:200],
        base_number=base_number, is_snapshot=snapshot,
        content=text if snapshot else make_delta(previous_text, text), word_count=word_count(text), **extra,
    )
    db.session.add(revision)
    db.session.flush()
    _remember_text((revision.id, revision.created_at), text)
    events.revision_saved.send(statement, author=author, number=number, previous_text=previous_text, text=text,
                               source_number=source_number)
    notifications.notify(NEW_REVISION, statement, actor=author)
    return revision


def save_revision(actor: User, statement: Statement, base_number: int, text: str, note: str,
                  source_number: int | None = None, said: dict | None = None) -> SaveResult:
    """Save an edit made from revision base_number, merging with saves made since, never over them.

    For a translation, `source_number` is the source revision the translator worked from: the
    paragraphs the save changes are up to date with it. `said`: what a note the service writes says
    (`notes.said`), for its readers' languages."""
    said = said or {}
    lock_for_writing(statement)
    _require_editable(statement)
    text = check_text(text)
    if not 1 <= base_number <= statement.latest_number:
        raise InvalidInput(_("The revision this edit started from is not one of this statement's. "
                             "Reload the page and make the change again."))
    latest = latest_revision(statement)
    latest_text = revision_text(latest)
    if base_number == latest.number:
        if text == latest_text:
            return SaveResult(latest=latest, unchanged=True)
        return SaveResult(_write_revision(statement, actor, text, note, base_number, latest_text,
                                          source_number=source_number, **said), latest=latest)
    base_text = revision_text(get_revision(statement, base_number))
    merge = three_way_merge(base_text, text, latest_text)
    if not merge.clean:
        return SaveResult(conflict=merge, latest=latest)
    if merge.text == latest_text:
        return SaveResult(latest=latest, unchanged=True)
    revision = _write_revision(statement, actor, merge.text, note, base_number, latest_text,
                               source_number=source_number, merged_onto_number=latest.number, **said)
    return SaveResult(revision, merged_with=_authors_since(statement, base_number), latest=latest)


def _authors_since(statement: Statement, base_number: int) -> list[str]:
    names = db.session.scalars(
        select(User.display_name).join(Revision, Revision.author_id == User.id)
        .where(Revision.statement_id == statement.id, Revision.number > base_number,
               Revision.number < statement.latest_number)
        .distinct()
    ).all()
    return sorted(names)


def restore_revision(actor: User, statement: Statement, number: int) -> SaveResult:
    """Make an old revision's text the latest again, as a new revision: history is never rewritten."""
    lock_for_writing(statement)
    _require_editable(statement)
    old = get_revision(statement, number)
    latest = latest_revision(statement)
    old_text, latest_text = revision_text(old), revision_text(latest)
    if old_text == latest_text:
        return SaveResult(latest=latest, unchanged=True)
    revision = _write_revision(statement, actor, old_text, f"Restored revision {number}", latest.number,
                               latest_text, restored_from_number=number, **notes.said(notes.RESTORED))
    return SaveResult(revision, latest=latest)


# --- comparing -------------------------------------------------------------------------------

def compare(statement: Statement, from_number: int, to_number: int, timeout_seconds: float = 1.0) -> Diff:
    """Diff two revisions of the same statement word by word."""
    return compare_revisions(get_revision(statement, from_number), get_revision(statement, to_number),
                             timeout_seconds)


def compare_revisions(old: Revision, new: Revision, timeout_seconds: float = 1.0) -> Diff:
    """Diff two revisions already loaded, word by word."""
    return word_diff(revision_text(old), revision_text(new), timeout_seconds)


# --- lifecycle ---------------------------------------------------------------------------------

def available_transitions(statement: Statement) -> list[tuple[State, str]]:
    """Return the states a statement can move to now, with the words for each button."""
    return [(to, label) for (frm, to), label in TRANSITIONS.items() if frm == statement.state_enum
            and (statement.source_id is None or (frm, to) in TRANSLATION_STEPS)]


def transition(actor: User | None, statement: Statement, to_state: str) -> Transition:
    """Move a statement to another state of its lifecycle, and record who did it."""
    try:
        target = State(to_state)
    except ValueError:
        raise InvalidInput(_("That is not a state a statement can be in.")) from None
    lock_for_writing(statement)  # freeze the revision that is latest now, from the state it is in now
    current = statement.state_enum
    if (current, target) not in TRANSITIONS or (statement.source_id is not None
                                                and (current, target) not in TRANSLATION_STEPS):
        raise Conflict(_("This statement is %(state)s; it cannot move to “%(target)s” from there. "
                         "Reload the page to see what can be done now.",
                         state=current.label.lower(), target=target.label.lower()))
    if current == State.SIGNON_OPEN and target == State.DRAFT:
        transition(actor, statement, State.SIGNON_CLOSED.value)  # reopening the draft closes sign-on first
        current = statement.state_enum
    revision_number = None
    events.state_changing.send(statement, actor=actor, from_state=current, to_state=target)  # a listener may refuse
    if target == State.FINAL:
        final = latest_revision(statement)
        statement.final_revision_id = final.id
        revision_number = final.number
    statement.state = target.value
    step = Transition(statement_id=statement.id, from_state=current.value, to_state=target.value,
                      actor_id=getattr(actor, "id", None), revision_number=revision_number)
    db.session.add(step)
    summary = f"Moved “{statement.title}” from {current.english_label.lower()} to {target.english_label.lower()}"
    if revision_number:
        summary += f" (revision {revision_number})"
    record(actor, f"statement.{target.value}", statement, summary, group_id=statement.group_id,
           from_state=current.value, to_state=target.value, revision=revision_number)
    notifications.notify(notifications.STATE_KINDS.get(target.value), statement, actor=actor,
                         due_at=_date_of(statement))
    events.state_changed.send(statement, actor=actor, from_state=current, to_state=target)
    return step


def published_on(statement: Statement) -> datetime | None:
    """When the statement was last published (None while it is not)."""
    if statement.state_enum != State.PUBLISHED:
        return None
    return db.session.scalar(select(func.max(Transition.created_at)).where(
        Transition.statement_id == statement.id, Transition.to_state == State.PUBLISHED.value))


def _date_of(statement: Statement):
    """The date a step is told with: when the comment period ends, when sign-on closes."""
    return statement.comment_period_ends_at if statement.state == State.COMMENT_PERIOD else statement.signon_deadline


def transitions_of(statement: Statement) -> list[Transition]:
    return db.session.scalars(_transitions_query(), {"statement": statement.id}).all()


@cache
def _transitions_query():
    return select(Transition).where(Transition.statement_id == bindparam("statement")).order_by(Transition.created_at)


def statements_of(group: WorkingGroup) -> list[Statement]:
    return db.session.scalars(_statements_query(), {"group": group.id}).all()


@cache
def _statements_query():
    return select(Statement).where(Statement.group_id == bindparam("group")).order_by(Statement.created_at.desc())


def last_read_number(user: User, statement: Statement) -> int | None:
    """The latest revision a person had opened when they last opened the statement (None: never opened)."""
    return _LAST_READ.scalar(flushed_connection(), {"user": user.id, "statement": statement.id})


_LAST_READ = QuickStatement(  # (the statement's page asks it every time)
    select(StatementRead.revision_number).where(StatementRead.user_id == bindparam("user"),
                                                StatementRead.statement_id == bindparam("statement")))


def mark_statement_read(user: User, statement: Statement, last_read: int | None) -> None:
    """Remember that a person has opened a statement's latest revision, given the one they had last opened
    (last_read_number): written only when it is newer, so read_at tells when they first read the latest."""
    if last_read != statement.latest_number:
        upsert(StatementRead, {"user_id": user.id, "statement_id": statement.id},
               {"revision_number": statement.latest_number, "read_at": utcnow()})
    notifications.mark_read_about(user, statement=statement)


# --- dates on the comment period ---------------------------------------------------------------

#: the furthest a comment period may be set to end: beyond it, a date is a typing mistake
COMMENT_PERIOD_MAX_DAYS = 366


def comment_period_end(date_text: str, time_text: str, zone: str, now: datetime | None = None) -> datetime | None:
    """Read the end of a comment period given as a local date, time and zone; return it in UTC (None: no end)."""
    from statements.core.timezones import NoSuchLocalTime, is_zone, local_to_utc  # (core holds the zone list)

    if not (date_text or "").strip():
        return None
    if not is_zone(zone):
        raise InvalidInput(_("Choose a time zone from the list."), field="time_zone")
    try:
        local = datetime.strptime(f"{date_text.strip()} {(time_text or '').strip() or '23:59'}", "%Y-%m-%d %H:%M")
        ends_at = local_to_utc(local, zone)
    except NoSuchLocalTime:
        raise InvalidInput(_("The clocks skip this time in this time zone (summer time starts then). "
                             "Choose a time an hour later."), field="ends_time") from None
    except (ValueError, OverflowError):
        raise InvalidInput(_("Give the end as a date like 2027-03-08 and a time like 18:00."),
                           field="ends_date") from None
    now = now or utcnow()
    if ends_at <= now:
        raise InvalidInput(_("This date and time has already passed. Choose a later one, or leave the date empty."),
                           field="ends_date")
    if ends_at > now + timedelta(days=COMMENT_PERIOD_MAX_DAYS):
        raise InvalidInput(_("A comment period can last at most a year. Choose an earlier date."), field="ends_date")
    return ends_at


def open_comment_period(actor: User, statement: Statement, ends_at: datetime | None, closes_itself: bool,
                        open_to_network: bool) -> Transition:
    """Open the comment period with its end (or none), what happens at the end, and who may take part."""
    _set_comment_period(statement, ends_at, closes_itself, open_to_network)
    return transition(actor, statement, State.COMMENT_PERIOD.value)


def change_comment_period(actor: User, statement: Statement, ends_at: datetime | None, closes_itself: bool,
                          open_to_network: bool) -> None:
    """Change or remove the end of a comment period under way, and who may take part in it."""
    lock_for_writing(statement)
    if statement.state_enum != State.COMMENT_PERIOD:
        raise Conflict(_("The comment period is no longer open, so its end cannot change. "
                         "Reload the page to see what can be done now."))
    before = statement.comment_period_ends_at
    _set_comment_period(statement, ends_at, closes_itself, open_to_network)
    record(actor, "statement.comment_period_changed", statement,
           f"Changed the comment period of “{statement.title}”: ends "
           f"{_utc_words(ends_at)} (was {_utc_words(before)})"
           f"{', closes itself' if closes_itself else ', reminds the coordinators'}"
           f"{', open to the whole network' if open_to_network else ', open to the group'}",
           group_id=statement.group_id)


def _utc_words(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "when a coordinator ends it"


def _set_comment_period(statement: Statement, ends_at: datetime | None, closes_itself: bool,
                        open_to_network: bool) -> None:
    statement.comment_period_ends_at = ends_at
    statement.comment_period_closes_itself = bool(closes_itself and ends_at)
    statement.open_to_network = bool(open_to_network)


# --- corrections of a published statement -----------------------------------------------------------

def check_correction(statement: Statement, base_number: int, text: str, note: str) -> tuple[str, str, str]:
    """Refuse a correction that cannot be made; return the corrected text and note as they would be stored,
    and the published text they correct."""
    if statement.state_enum != State.PUBLISHED or statement.source_id is not None:
        raise Conflict(_("Only the text of a published statement can be corrected this way. "
                         "Reload the page to see what can be done now."))
    note = one_line(note or "")
    if not note:
        raise InvalidInput(_("Say what you corrected and why: readers see this note."), field="note")
    if len(note) > NOTE_MAX:
        raise InvalidInput(_("Use at most %(max)s characters.", max=format_decimal(NOTE_MAX)), field="note")
    text = check_text(text)
    if base_number != statement.latest_number:
        raise Conflict(_("Someone corrected this text while you were editing. Your text is kept below: "
                         "compare it with the published text and send it again."))
    previous_text = revision_text(statement.final_revision)
    if text == previous_text:
        raise InvalidInput(_("The text is the same as the published text: there is nothing to correct."),
                           field="text")
    return text, note, previous_text


def already_corrected(actor: User, statement: Statement, base_number: int, text: str, note: str) -> bool:
    """Whether this person's latest correction of the statement is this very one (a form sent twice)."""
    latest = next(iter(corrections_of(statement)), None)
    return (latest is not None and latest.actor_id == actor.id and latest.previous_revision.number == base_number
            and latest.note == one_line(note or "") and revision_text(latest.revision) == check_text(text))


def correct_published(actor: User, statement: Statement, base_number: int, text: str, note: str) -> Correction:
    """Publish a corrected text of a published statement: a new revision made final, with a note saying why.

    The sign-on list stays the statement's one list; signatories are told by the caller."""
    lock_for_writing(statement)
    text, note, previous_text = check_correction(statement, base_number, text, note)
    previous = statement.final_revision
    revision = _write_revision(statement, actor, text, note, base_number=previous.number,
                               previous_text=revision_text(latest_revision(statement)))
    statement.final_revision_id = revision.id
    statement.final_revision = revision
    correction = Correction(statement_id=statement.id, previous_revision_id=previous.id, revision_id=revision.id,
                            note=note, actor_id=actor.id)
    db.session.add(correction)
    db.session.flush()
    record(actor, "statement.corrected", statement,
           f"Corrected the published text of “{statement.title}” (revision {previous.number} to {revision.number}): "
           f"{note}", group_id=statement.group_id, revision=revision.number)
    return correction


def corrections_of(statement: Statement) -> list[Correction]:
    """The corrections of a published statement, the latest first (only a published text is corrected, and
    a published statement stays published: no other has any)."""
    if statement.state_enum != State.PUBLISHED:
        return []
    return db.session.scalars(_corrections_query(), {"statement": statement.id}).all()


@cache
def _corrections_query():
    return (select(Correction).where(Correction.statement_id == bindparam("statement"))
            .order_by(Correction.created_at.desc(), Correction.id.desc()))
