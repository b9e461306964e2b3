"""Moderation at scale: decide on whole filters at once, see what others decided meanwhile, undo one's last
decision, and correct a signatory's public details. Domain functions: no request, no flash, no commit."""

import uuid
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from statements.accounts.models import User
from statements.audit.models import AuditEvent
from statements.audit.services import record
from statements.core.errors import Conflict, InvalidInput
from statements.drafts.models import Statement
from statements.extensions import db
from statements.signons import services
from statements.signons.models import NAME_MAX, SignOn, SignOnStatus

#: the audit actions that decide on a sign-on; the first two are what an undo reverses
DECIDED = ("signon.approved", "signon.rejected")
UNDONE = "signon.decision_undone"
EDITED = "signon.edited"
#: whatever else changes a sign-on a moderator is looking at
CHANGES = (*DECIDED, UNDONE, EDITED, "signon.withdrawn", "signon.deleted")
#: the most sign-ons one "all matching" decision takes: more is done in a second go, the filter still applies
MATCHING_LIMIT = 5000


@dataclass(frozen=True)
class QueueFilter:
    """What the moderation queue is narrowed to; the same filter shows a page and is decided on as a whole."""

    status: str | None = SignOnStatus.CONFIRMED.value
    country: str | None = None
    flagged: bool = False
    text: str | None = None

    @classmethod
    def from_args(cls, args) -> "QueueFilter":
        """Read a filter from a query string or a form; what is not a known status means any status."""
        status = args.get("status", SignOnStatus.CONFIRMED.value)
        return cls(status=status if status in {s.value for s in SignOnStatus} else None,
                   country=args.get("country", "")[:2].upper() or None, flagged=args.get("flagged") == "1",
                   text=args.get("q", "").strip()[:200] or None)

    def query(self, statement: Statement, unnamed: bool):
        return services.moderation_query(statement, self.status, self.country, self.flagged, self.text, unnamed)


def matching_signons(statement: Statement, queue_filter: QueueFilter, unnamed: bool) -> list[SignOn]:
    """The sign-ons a filter matches now (not when the page was shown), up to MATCHING_LIMIT."""
    return list(db.session.scalars(queue_filter.query(statement, unnamed).limit(MATCHING_LIMIT)))


def matching_count(statement: Statement, queue_filter: QueueFilter, unnamed: bool) -> int:
    query = queue_filter.query(statement, unnamed).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(query))


def latest_change() -> int:
    """A mark of the audit log now: a page carries it, so a decision knows what others did after it was shown."""
    return db.session.scalar(select(func.max(AuditEvent.id))) or 0


def _statement_signon_ids(statement: Statement):
    return select(SignOn.id).where(SignOn.statement_id == statement.id)


def changed_by_others(actor: User, statement: Statement, since: int, ids: list[int] | None = None) -> dict[int, str]:
    """Sign-ons of the statement (or of `ids`) someone else changed after the mark `since`: id -> their name."""
    subjects = ids if ids is not None else _statement_signon_ids(statement)
    rows = db.session.execute(
        select(AuditEvent.subject_id, User.display_name).join(User, AuditEvent.actor_id == User.id, isouter=True)
        .where(AuditEvent.id > since, AuditEvent.subject_type == "SignOn", AuditEvent.subject_id.in_(subjects),
               AuditEvent.action.in_(CHANGES), AuditEvent.actor_id.is_distinct_from(actor.id))
        .order_by(AuditEvent.id))
    return {subject_id: name or _("someone") for subject_id, name in rows}


@dataclass
class BatchDecision:
    """What one approve or reject did, and what it left alone because someone else got there first."""

    approved: bool
    changed: int = 0
    name_taken: list[str] = field(default_factory=list)
    #: who decided first -> how many of the chosen sign-ons they had decided
    already_decided: Counter = field(default_factory=Counter)


def decide_batch(actor: User, statement: Statement, signons: list[SignOn], approve: bool, note: str = "",
                 seen_at: int | None = None) -> BatchDecision:
    """Approve or reject sign-ons as one decision (one undo takes it back). Those someone else changed after
    the page was shown (the mark `seen_at`) keep what that person decided."""
    result = BatchDecision(approved=approve)
    if seen_at is not None:
        others = changed_by_others(actor, statement, seen_at, [signon.id for signon in signons])
        signons = [signon for signon in signons if signon.id not in others]
        result.already_decided.update(others.values())
    decision = services.decide(actor, signons, approve, note, batch=uuid.uuid4().hex)
    result.changed, result.name_taken = decision.changed, decision.name_taken
    return result


def decided_meanwhile(actor: User, statement: Statement, seen_at: int | None) -> Counter:
    """For a decision on a whole filter: how many sign-ons each other person decided since the page was shown."""
    if seen_at is None:
        return Counter()
    return Counter(changed_by_others(actor, statement, seen_at).values())


def _last_moderation_event(actor: User, statement: Statement) -> AuditEvent | None:
    return db.session.scalar(
        select(AuditEvent).where(AuditEvent.actor_id == actor.id, AuditEvent.action.in_((*DECIDED, UNDONE)),
                                 AuditEvent.subject_type == "SignOn",
                                 AuditEvent.subject_id.in_(_statement_signon_ids(statement)))
        .order_by(AuditEvent.id.desc()).limit(1))


def last_decision(actor: User, statement: Statement) -> list[AuditEvent]:
    """The events of the actor's last approve or reject on this statement, if it can still be undone."""
    last = _last_moderation_event(actor, statement)
    if last is None or last.action == UNDONE or not last.details.get("batch"):
        return []
    batch = last.details["batch"]
    # one batch is written in one transaction: its events are the actor's latest, one after the other
    recent = db.session.scalars(
        select(AuditEvent).where(AuditEvent.actor_id == actor.id, AuditEvent.action == last.action,
                                 AuditEvent.subject_type == "SignOn", AuditEvent.id <= last.id)
        .order_by(AuditEvent.id.desc()).limit(MATCHING_LIMIT))
    events = []
    for event in recent:
        if event.details.get("batch") != batch:
            break
        events.append(event)
    return events


@dataclass
class Undo:
    """What undoing a decision put back, and what it left because someone changed it since."""

    approved: bool
    restored: int = 0
    #: organization name -> who changed it since (or "" when it is gone)
    refused: dict[str, str] = field(default_factory=dict)


def undo_last_decision(actor: User, statement: Statement) -> Undo:
    """Put back the sign-ons of the actor's last decision as they were, unless someone changed them since."""
    events = last_decision(actor, statement)
    if not events:
        raise InvalidInput(_("There is no decision of yours to undo on this statement: only your last approve or "
                             "reject can be undone, once."))
    undo = Undo(approved=events[0].action == "signon.approved")
    later = _changed_after(events)
    for event in reversed(events):
        signon = db.session.get(SignOn, event.subject_id)
        target = SignOnStatus.APPROVED.value if undo.approved else SignOnStatus.REJECTED.value
        if signon is None or event.subject_id in later or signon.status != target:
            name = signon.organization_name if signon else event.summary.rpartition(" of ")[2]
            undo.refused[name] = later.get(event.subject_id, "")
            continue
        _put_back(actor, signon, event)
        undo.restored += 1
    services._invalidate_counts(statement.id)
    db.session.flush()
    return undo


def _changed_after(events: list[AuditEvent]) -> dict[int, str]:
    """Of the sign-ons these events decided, those anyone changed since: id -> who."""
    first = min(event.id for event in events)
    decided_at = {event.subject_id: event.id for event in events}
    rows = db.session.execute(
        select(AuditEvent.id, AuditEvent.subject_id, User.display_name)
        .join(User, AuditEvent.actor_id == User.id, isouter=True)
        .where(AuditEvent.id > first, AuditEvent.subject_type == "SignOn",
               AuditEvent.subject_id.in_(list(decided_at)), AuditEvent.action.in_(CHANGES)))
    return {subject_id: name or _("someone") for event_id, subject_id, name in rows
            if event_id > decided_at[subject_id]}


def _put_back(actor: User, signon: SignOn, event: AuditEvent) -> None:
    previous = event.details.get("previous") or SignOnStatus.CONFIRMED.value
    signon.status, signon.decided_by_id = previous, event.details.get("previous_decider")
    if previous != SignOnStatus.APPROVED.value:
        signon.approved_at = None
    record(actor, UNDONE, signon, f"Undid the decision on the sign-on of {signon.organization_name}",
           group_id=signon.statement.group_id, batch=event.details.get("batch"), restored=previous)


@dataclass(frozen=True)
class Correction:
    """What correcting a signatory changed (field -> [from, to]), and the sign-on it now looks like, if any."""

    changes: dict
    duplicate_of: str | None = None


def correct_signatory(actor: User, signon: SignOn, name: str, country: str, org_type: str) -> Correction:
    """Correct the public name, country and type of a sign-on (a typo, say), recorded with what it was."""
    name = " ".join((name or "").split())
    if not name or len(name) > NAME_MAX:
        raise InvalidInput(_("Enter the organization's name, at most %(num)s characters.", num=NAME_MAX),
                           field="organization_name")
    before = {"organization_name": signon.organization_name, "country": signon.country, "org_type": signon.org_type}
    services.set_organization_name(signon, name)
    services.set_country(signon, country)
    signon.org_type = org_type
    after = {"organization_name": signon.organization_name, "country": signon.country, "org_type": signon.org_type}
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if not changes:
        return Correction(changes)
    if "organization_name" in changes:
        _refuse_a_second_approved_name(signon)
    statement = signon.statement
    signon.possible_duplicate_of_id, signon.duplicate_reason = None, None
    found = services.flag_if_duplicate(statement, signon)
    record(actor, EDITED, signon, f"Corrected the sign-on of {before['organization_name']}"
           + (f" (now {signon.organization_name})" if "organization_name" in changes else ""),
           group_id=statement.group_id, changes=changes)
    services._invalidate_counts(statement.id)
    db.session.flush()
    return Correction(changes, found.organization_name if found else None)


def _refuse_a_second_approved_name(signon: SignOn) -> None:
    """Two approved sign-ons of one statement never share a name (the database refuses it too): say so first."""
    if signon.status != SignOnStatus.APPROVED.value:
        return
    with db.session.no_autoflush:  # the new name is not written before it is known to be free
        holder = db.session.scalar(select(SignOn.id).where(
            SignOn.statement_id == signon.statement_id, SignOn.name_key == signon.name_key, SignOn.id != signon.id,
            SignOn.status == SignOnStatus.APPROVED.value))
    if holder is not None:
        # a name counted without being named is not told here: only that one is approved already
        raise Conflict(_("Another approved sign-on of this statement has this name. Reject one of the two first, "
                         "or choose another name."), field="organization_name")

