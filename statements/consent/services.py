"""Consent rounds: open one, record positions, remind those who have not answered, and record the result
in the lifecycle when the text is made final."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import aliased, joinedload

from statements.accounts.models import Membership, Organization, User
from statements.audit.services import record
from statements.core.db import utcnow
from statements.core.errors import Conflict, InvalidInput, NotAllowed
from statements.core.policy import represents
from statements.drafts import events
from statements.drafts.models import State, Statement
from statements.drafts.services import lock_for_writing
from statements.consent.models import COMMENT_MAX, AskedOrganization, ConsentRound, Position, Stance
from statements.extensions import db
from statements.notifications import kinds
from statements.notifications import services as notifications

#: a round lasts at most this long: positions are asked on a text being finished
ROUND_MAX_DAYS = 90
#: how long before its date the representatives still silent are reminded
REMINDER_AHEAD = timedelta(hours=48)
#: coordinators are told of a round that ended at most this long ago (the clock may have been stopped a while)
ENDED_NOTICE_WITHIN = timedelta(days=7)
#: the states in which a round's result waits on the coordinators: the text is still being written
DRAFTING = (State.DRAFT.value, State.COMMENT_PERIOD.value)


# --- who is asked ---------------------------------------------------------------------------------

def organizations_of_group(group_id: int) -> list[Organization]:
    """The organizations represented in a working group: those of its members who have one."""
    return db.session.scalars(
        select(Organization).join(User, User.organization_id == Organization.id)
        .join(Membership, Membership.user_id == User.id).where(Membership.group_id == group_id)
        .distinct().order_by(Organization.name)).all()


def representatives(round_: ConsentRound, organization_ids) -> list[User]:
    """The members of the round's group who speak for these organizations."""
    if not organization_ids:
        return []
    return db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == round_.statement.group_id, User.organization_id.in_(organization_ids))).all()


# --- the round ------------------------------------------------------------------------------------

def latest_round(statement: Statement) -> ConsentRound | None:
    """The statement's latest round, with the organizations asked (one query, however many were asked)."""
    return db.session.scalars(_latest_round_query(), {"statement": statement.id}).unique().first()


@cache
def _latest_round_query():
    return (select(ConsentRound).where(ConsentRound.statement_id == bindparam("statement"))
            .order_by(ConsentRound.number.desc()).limit(1)
            .options(joinedload(ConsentRound.asked).joinedload(AskedOrganization.organization)))


def check_end(ends_at: datetime | None, now: datetime | None = None) -> datetime:
    """Refuse an end that is missing, already past, or too far away."""
    now = now or utcnow()
    if ends_at is None:
        raise InvalidInput(_("Give the date by which organizations answer."), field="ends_date")
    if ends_at <= now:
        raise InvalidInput(_("This date and time has already passed. Choose a later one."), field="ends_date")
    if ends_at > now + timedelta(days=ROUND_MAX_DAYS):
        raise InvalidInput(_("A consent round can last at most 90 days. Choose an earlier date."), field="ends_date")
    return ends_at


def round_end(date_text: str, time_text: str, zone: str) -> datetime:
    """Read a round's end given as a local date, time and zone; return it in UTC."""
    from statements.core.timezones import NoSuchLocalTime, is_zone, local_to_utc  # (core holds the zone list)

    if not is_zone(zone):
        raise InvalidInput(_("Choose a time zone from the list."), field="time_zone")
    try:
        local = datetime.strptime(f"{(date_text or '').strip()} {(time_text or '').strip() or '23:59'}",
                                  "%Y-%m-%d %H:%M")
        return local_to_utc(local, zone)
    except NoSuchLocalTime:
        raise InvalidInput(_("The clocks skip this time in this time zone (summer time starts then). "
                             "Choose a time an hour later."), field="ends_time") from None
    except (ValueError, OverflowError):
        raise InvalidInput(_("Give the end as a date like 2027-03-08 and a time like 18:00."),
                           field="ends_date") from None


def open_round(actor: User, statement: Statement, organization_ids: list[int], ends_at: datetime | None) -> ConsentRound:
    """Ask the chosen organizations of the group for their position on the latest text, by a date."""
    check_end(ends_at)
    lock_for_writing(statement)  # a second coordinator's round waits for this one, then sees it
    if statement.source_id is not None:
        raise InvalidInput(_("Consent is asked on the source text, not on a translation."))
    if not statement.state_enum.text_is_editable:
        raise Conflict(_("This statement is %(state)s: a consent round is asked before the text is final.",
                         state=statement.state_enum.label.lower()))
    current = latest_round(statement)
    if current is not None and current.is_open():
        raise Conflict(_("A consent round is already open on this statement, until %(date)s.",
                         date=_date_words(current.ends_at)))
    known = {organization.id for organization in organizations_of_group(statement.group_id)}
    chosen = sorted(set(organization_ids) & known)
    if not chosen:
        raise InvalidInput(_("Choose at least one organization of the group to ask."), field="organizations")
    round_ = ConsentRound(statement_id=statement.id, number=(current.number if current else 0) + 1,
                          opened_by_id=actor.id, ends_at=ends_at, revision_number=statement.latest_number,
                          asked=[AskedOrganization(organization_id=org_id) for org_id in chosen])
    db.session.add(round_)
    db.session.flush()
    record(actor, "consent.opened", statement,
           f"Opened consent round {round_.number} on “{statement.title}” for {len(chosen)} organizations "
           f"until {ends_at:%Y-%m-%d %H:%M} UTC", group_id=statement.group_id, round=round_.number)
    notifications.notify(kinds.CONSENT_OPENED, statement, actor=actor, recipients=representatives(round_, chosen),
                         due_at=ends_at)
    return round_


def _date_words(moment: datetime) -> str:
    from statements.core.templating import format_datetime  # (the reader's zone and language)

    return format_datetime(moment)


# --- positions ------------------------------------------------------------------------------------

def check_position(stance: str, comment: str) -> tuple[Stance, str]:
    """Refuse a position that is not one of the three, or a comment that is missing or too long."""
    try:
        chosen = Stance(stance)
    except ValueError:
        raise InvalidInput(_("Choose one of the three positions."), field="stance") from None
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise InvalidInput(_("The comment is %(length)s characters long; it can have at most %(max)s.",
                             length=len(comment), max=COMMENT_MAX), field="comment")
    if chosen != Stance.SUPPORT and not comment:
        raise InvalidInput(_("Say what your organization's concerns or objections are, so the group can answer "
                             "them."), field="comment")
    return chosen, comment


def record_position(actor: User, round_: ConsentRound, stance: str, comment: str,
                    now: datetime | None = None) -> Position:
    """Record the position of the actor's organization; an earlier one stays in the history, this one counts."""
    chosen, comment = check_position(stance, comment)
    organization_id = actor.organization_id
    if not represents(actor, organization_id, round_.statement.group):
        raise NotAllowed(_("Only someone who represents a member organization of the group can record its "
                           "position. Ask network staff to link your account to your organization."))
    if organization_id not in {asked.organization_id for asked in round_.asked}:
        raise NotAllowed(_("Your organization was not asked for its position in this round."))
    if not round_.is_open(now):
        raise Conflict(_("This consent round ended on %(date)s: positions can no longer be recorded or changed.",
                         date=_date_words(round_.ends_at)))
    position = Position(round_id=round_.id, organization_id=organization_id, stance=chosen.value, comment=comment,
                        recorded_by_id=actor.id)
    db.session.add(position)
    db.session.flush()
    record(actor, "consent.position", round_.statement,
           f"Recorded “{chosen.value}” for organization {organization_id} in consent round {round_.number}",
           group_id=round_.statement.group_id, round=round_.number, stance=chosen.value)
    return position


@dataclass
class Tally:
    """Where a round stands: the latest position of each organization asked, and who has not answered."""

    round: ConsentRound
    #: (organization, its latest position or None), by name
    rows: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)

    @property
    def unanswered(self) -> list[Organization]:
        return [organization for organization, position in self.rows if position is None]

    @property
    def cannot_support(self) -> list[Organization]:
        return [org for org, position in self.rows if position and position.stance == Stance.CANNOT_SUPPORT]

    @property
    def with_concerns(self) -> list[Organization]:
        return [org for org, position in self.rows if position and position.stance == Stance.CONCERNS]


def latest_positions(round_: ConsentRound) -> dict[int, Position]:
    """Each organization's latest position in the round (a later one replaces an earlier one)."""
    return {p.organization_id: p for p in db.session.scalars(_latest_positions_query(), {"round": round_.id})}


@cache
def _latest_positions_query():
    latest_ids = select(func.max(Position.id)).where(Position.round_id == bindparam("round")) \
        .group_by(Position.organization_id)
    return select(Position).where(Position.id.in_(latest_ids))


def tally(round_: ConsentRound) -> Tally:
    latest = latest_positions(round_)
    rows = sorted(((asked.organization, latest.get(asked.organization_id)) for asked in round_.asked),
                  key=lambda row: row[0].name.casefold())
    counts = {stance: sum(1 for _org, p in rows if p and p.stance == stance) for stance in Stance}
    counts["unanswered"] = sum(1 for _org, p in rows if p is None)
    return Tally(round_, rows, counts)


def history(round_: ConsentRound) -> list[Position]:
    """Every position recorded in the round, newest first: changes of mind stay visible."""
    return db.session.scalars(select(Position).where(Position.round_id == round_.id)
                              .order_by(Position.id.desc())).all()


def awaited_from(user: User) -> list[ConsentRound]:
    """The open rounds in which the user's organization was asked and has not answered yet."""
    if not getattr(user, "organization_id", None):
        return []
    return db.session.scalars(_awaited_query(), {"organization": user.organization_id, "now": utcnow(),
                                                 "groups": [m.group_id for m in user.memberships]}).all()


@cache
def _awaited_query():
    """The query of awaited_from (every home page asks it: built once)."""
    organization = bindparam("organization")
    answered = select(Position.round_id).where(Position.organization_id == organization)
    return (select(ConsentRound).join(AskedOrganization, AskedOrganization.round_id == ConsentRound.id)
            .join(Statement, Statement.id == ConsentRound.statement_id)
            .where(AskedOrganization.organization_id == organization,
                   Statement.group_id.in_(bindparam("groups", expanding=True)),
                   ConsentRound.recorded_at.is_(None),
                   ConsentRound.ends_at > bindparam("now", type_=ConsentRound.ends_at.type),
                   ConsentRound.id.not_in(answered))
            .order_by(ConsentRound.ends_at))


# --- the clock ------------------------------------------------------------------------------------

def send_reminders(now: datetime | None = None) -> int:
    """Remind the representatives of organizations that have not answered, once, 48 hours before a round ends."""
    now = now or utcnow()
    due = db.session.scalars(select(ConsentRound).where(
        ConsentRound.recorded_at.is_(None), ConsentRound.ends_at > now,
        ConsentRound.ends_at <= now + REMINDER_AHEAD)).all()
    sent = 0
    for round_ in due:
        silent = [organization.id for organization in tally(round_).unanswered]
        if silent and notifications.first_time(round_.statement, kinds.CONSENT_ENDING, round_.ends_at):
            notifications.notify(kinds.CONSENT_ENDING, round_.statement,
                                 recipients=representatives(round_, silent), due_at=round_.ends_at)
            sent += 1
    return sent


def tell_of_ended_rounds(now: datetime | None = None) -> int:
    """Tell a statement's coordinators, once, that its consent round has ended while the text waits on them
    (not yet made final, and no newer round opened)."""
    now = now or utcnow()
    ended = db.session.scalars(_ended_rounds_query(), {"now": now, "since": now - ENDED_NOTICE_WITHIN}).all()
    told = 0
    for round_ in ended:
        if notifications.first_time(round_.statement, kinds.CONSENT_ENDED, round_.ends_at):
            notifications.notify(kinds.CONSENT_ENDED, round_.statement, due_at=round_.ends_at)
            told += 1
    return told


def result_not_recorded():
    """The condition on ConsentRound of a round whose result waits on its coordinators: the statement's latest
    round (no newer one asked), not yet part of its history (the text not made final since)."""
    later = aliased(ConsentRound)
    newer_round = select(later.id).where(later.statement_id == ConsentRound.statement_id,
                                         later.number > ConsentRound.number).exists()
    return and_(ConsentRound.recorded_at.is_(None), ~newer_round)


@cache
def _ended_rounds_query():
    """The latest rounds of statements still being drafted whose end has passed, not yet part of the history."""
    moment = ConsentRound.ends_at.type
    return (select(ConsentRound).join(Statement, Statement.id == ConsentRound.statement_id)
            .where(result_not_recorded(), ConsentRound.ends_at <= bindparam("now", type_=moment),
                   ConsentRound.ends_at > bindparam("since", type_=moment), Statement.state.in_(DRAFTING)))


# --- the lifecycle --------------------------------------------------------------------------------

@events.state_changed.connect
def _record_result_when_final(statement: Statement, actor=None, from_state=None, to_state=None, **_ignored) -> None:
    """Making the text final closes the latest round and writes its result into the statement's history."""
    if to_state != State.FINAL:
        return
    round_ = latest_round(statement)
    if round_ is None or round_.recorded_at is not None:
        return
    round_.recorded_at = utcnow()
    round_.final_revision_number = statement.latest_number  # the revision frozen now
    counts = tally(round_).counts
    record(actor, "consent.recorded", statement,
           f"Made “{statement.title}” final with consent round {round_.number}: {counts[Stance.SUPPORT]} support, "
           f"{counts[Stance.CONCERNS]} with concerns, {counts[Stance.CANNOT_SUPPORT]} cannot support, "
           f"{counts['unanswered']} did not answer", group_id=statement.group_id, round=round_.number)


@events.final_asks_first.connect
def _ask_before_final(statement: Statement, **_ignored) -> bool:
    """A statement whose latest consent round is not yet part of its history shows the round's result before
    the text is made final."""
    round_ = latest_round(statement)
    return round_ is not None and round_.recorded_at is None
