"""A person's to-do list: what needs them now in their groups (the whole network for staff), most urgent first.

Everything is computed from current memberships and the current state of each statement, so an item goes
away as soon as its work is done, and a person removed from a group stops seeing that group's items at once.
The list costs a fixed number of queries, however many statements, threads and sign-ons there are.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache, lru_cache

from sqlalchemy import and_, bindparam, case, false, func, or_, select
from sqlalchemy.orm import aliased

from statements.accounts.models import Invitation, User, WorkingGroup
from statements.comments.models import Comment, Mention, Thread, ThreadRead
from statements.core.db import utcnow
from statements.core.policy import Role
from statements.core.timezones import zone_info
from statements.drafts.models import State, Statement, StatementRead
from statements.extensions import db
from statements.mail.models import OutboxMessage
from statements.signons.models import SignOn, SignOnStatus, Visibility

#: a comment period this close to its end (in days) asks its coordinators to decide what comes next
PERIOD_ENDING_DAYS = 3
#: a sign-on deadline this close (in days) is on the coordinators' list
DEADLINE_NEAR_DAYS = 7
#: mail that failed this recently (in days) is on staff's list; older failures are history
MAIL_FAILING_DAYS = 7
#: invitations that expired this recently (in days) are on staff's list, to send again or let go
INVITATION_EXPIRED_DAYS = 30
#: at most this many threads with unread replies are listed, newest activity first
THREAD_LIMIT = 30
#: where a comment period without an end date sorts: after every dated one
_NEVER = datetime.max.replace(tzinfo=timezone.utc)


class Kind:
    """The kinds of to-do items (the template says each in words)."""

    COMMENT_PERIOD = "comment_period"
    PERIOD_ENDING = "period_ending"
    THREAD = "thread"
    SIGNONS_WAITING = "signons_waiting"
    DUPLICATES = "duplicates"
    OPEN_THREADS = "open_threads"
    FINAL_NOT_OPEN = "final_not_open"
    DEADLINE_NEAR = "deadline_near"
    READY_TO_PUBLISH = "ready_to_publish"
    INVITATIONS_PENDING = "invitations_pending"
    INVITATIONS_EXPIRED = "invitations_expired"
    MAIL_FAILING = "mail_failing"
    CONSENT_AWAITED = "consent_awaited"
    CONSENT_RESULT = "consent_result"


#: the order of items that have no date: what blocks others first
_WEIGHT = {Kind.THREAD: 0, Kind.SIGNONS_WAITING: 1, Kind.DUPLICATES: 2, Kind.READY_TO_PUBLISH: 3,
           Kind.MAIL_FAILING: 4, Kind.FINAL_NOT_OPEN: 5, Kind.OPEN_THREADS: 6, Kind.INVITATIONS_EXPIRED: 7,
           Kind.INVITATIONS_PENDING: 8, Kind.COMMENT_PERIOD: 9, Kind.PERIOD_ENDING: 9, Kind.DEADLINE_NEAR: 9,
           Kind.CONSENT_AWAITED: 9, Kind.CONSENT_RESULT: 3}

#: states in which a statement may ask something of someone
_ACTIVE_STATES = (State.DRAFT.value, State.COMMENT_PERIOD.value, State.FINAL.value, State.SIGNON_OPEN.value,
                  State.SIGNON_CLOSED.value)


@dataclass
class Item:
    """One thing to do, with what the page needs to say it and link to it."""

    kind: str
    #: the statement it is about (None for network-wide items)
    statement_id: int | None = None
    title: str = ""
    language: str = "en"
    group_name: str = ""
    #: when it falls due (UTC), and in how many calendar days in the reader's zone (negative: past)
    due: datetime | None = None
    days_left: int | None = None
    #: how many things it stands for: sign-ons, threads, unread replies, invitations, messages, answers
    count: int = 0
    #: of how many: the organizations asked in a consent round
    of: int = 0
    #: comment periods: "unread", "new_revision" (read an older one) or "read"
    reading: str = ""
    #: threads: the thread, and whether the person is mentioned in what they have not read
    thread_id: int | None = None
    mentioned: bool = False
    #: a statement of another group, open to the whole network during its comment period
    from_network: bool = False
    #: the latest failure, for mail
    detail: str = ""

    @property
    def urgent(self) -> bool:
        """Due within a few days, or overdue: at the top of the list."""
        if self.days_left is None:
            return False
        if self.kind == Kind.COMMENT_PERIOD:
            return self.days_left <= PERIOD_ENDING_DAYS and self.reading != "read"
        if self.kind == Kind.CONSENT_AWAITED:
            return self.days_left <= PERIOD_ENDING_DAYS
        return True

    def sort_key(self) -> tuple:
        """Overdue and nearly due first, by date; then what waits on this person; then the rest, by date."""
        if self.urgent:
            return (0, self.due, 0, self.statement_id or 0)
        if self.kind in (Kind.COMMENT_PERIOD, Kind.CONSENT_AWAITED):
            return (2, self.due or _NEVER, 0, self.statement_id or 0)
        return (1, None, _WEIGHT[self.kind], -(self.thread_id or 0), self.statement_id or 0)


def days_until(moment: datetime, now: datetime, zone: str | None) -> int:
    """Calendar days from today to a moment, both as the reader's clock shows them (0: today; <0: past)."""
    tz = zone_info(zone)
    return (moment.astimezone(tz).date() - now.astimezone(tz).date()).days


@dataclass
class _Scope:
    """What a person may see and steer: their groups by role, or the whole network for staff."""

    user: User
    roles: dict[int, Role]

    @property
    def network(self) -> bool:
        return bool(self.user.is_admin)

    def coordinates(self, group_id: int) -> bool:
        return self.network or self.roles.get(group_id) == Role.COORDINATOR

    def in_group(self, group_id: int) -> bool:
        return self.network or group_id in self.roles

    def shape(self) -> tuple[bool, bool, int]:
        """What the queries of this scope look like, whatever the values in them: built once per shape."""
        return self.network, bool(self.roles), 0 if self.network else len(self.user.translator_grants)

    def values(self) -> dict:
        """The values of the parameters in `statements_seen` and the queries built on it."""
        values = {"me": self.user.id, "seen_groups": list(self.roles)}
        if not self.network:
            for number, grant in enumerate(self.user.translator_grants):
                values[f"grant_statement_{number}"] = grant.statement_id
                values[f"grant_language_{number}"] = grant.language
        return values


def statements_seen(network: bool, in_groups: bool, grants: int):
    """A condition on Statement: the statements a person may read (as core.policy decides), for a scope
    of this shape; its values come from _Scope.values."""
    if network:
        return Statement.id.is_not(None)
    seen = [Statement.group_id.in_(bindparam("seen_groups", expanding=True))] if in_groups else []
    if in_groups:  # a member of the network reads what is open to all of it during its comment period
        seen.append(and_(Statement.open_to_network.is_(True), Statement.state == State.COMMENT_PERIOD.value))
    for number in range(grants):
        seen.append(and_(Statement.source_id == bindparam(f"grant_statement_{number}"),
                         Statement.language == bindparam(f"grant_language_{number}")))
    return or_(*seen) if seen else false()


def todo_items(user: User, zone: str | None, now: datetime | None = None) -> list[Item]:
    """Return what needs this person now, most urgent first."""
    now = now or utcnow()
    scope = _Scope(user, {m.group_id: Role(m.role) for m in user.memberships})
    statements = _active_statements(scope)
    items = _comment_periods(scope, statements, zone, now)
    items += _threads(scope)
    steered = [(s, name) for s, name in statements if scope.coordinates(s.group_id)]
    items += _signons(scope, steered)
    items += _open_threads(steered)
    items += _lifecycle(steered, zone, now)
    items += _consent_results(steered, now)
    items += _positions_awaited(scope, statements, zone, now)
    if scope.network:
        items += _invitations(now) + _mail_failing(now)
    return sorted(items, key=Item.sort_key)


def _item(kind: str, statement: Statement, group_name: str, **values) -> Item:
    return Item(kind, statement.id, statement.title, statement.language, group_name, **values)


def _active_statements(scope: _Scope) -> list[tuple[Statement, str]]:
    """The statements that may ask something of this person, each with its group's name."""
    if not scope.network and not scope.roles:
        return []
    return list(db.session.execute(_active_statements_query(scope.network), {"groups": list(scope.roles)}))


@cache
def _active_statements_query(network: bool):
    query = (select(Statement, WorkingGroup.name).join(WorkingGroup, WorkingGroup.id == Statement.group_id)
             .where(Statement.state.in_(_ACTIVE_STATES)).order_by(Statement.id))
    if not network:
        query = query.where(or_(Statement.group_id.in_(bindparam("groups", expanding=True)),
                                and_(Statement.open_to_network.is_(True),
                                     Statement.state == State.COMMENT_PERIOD.value)))
    return query


def _positions_awaited(scope: _Scope, statements, zone: str | None, now: datetime) -> list[Item]:
    """Open consent rounds in which the person's organization was asked and has not answered (one query)."""
    from statements.consent.services import awaited_from  # (consent builds on drafting, as this list does)

    if not scope.user.organization_id:
        return []
    group_names = {s.id: name for s, name in statements}
    return [_item(Kind.CONSENT_AWAITED, round_.statement, group_names.get(round_.statement_id, ""),
                  due=round_.ends_at, days_left=days_until(round_.ends_at, now, zone))
            for round_ in awaited_from(scope.user) if round_.statement_id in group_names]


def _consent_results(steered, now: datetime) -> list[Item]:
    """Consent rounds whose result waits on the coordinator (one query): the round ended, or every organization
    asked has answered, and the text is neither final yet nor asked again in a newer round."""
    from statements.consent.services import DRAFTING  # (consent builds on drafting, as this list does)

    drafting = {s.id: (s, name) for s, name in steered if s.state in DRAFTING and s.source_id is None}
    if not drafting:
        return []
    rounds = db.session.execute(_consent_results_query(), {"ids": list(drafting), "now": now}).all()
    return [_item(Kind.CONSENT_RESULT, *drafting[statement_id], due=ends_at, count=answered, of=asked)
            for statement_id, ends_at, asked, answered in rounds]


@cache
def _consent_results_query():
    from statements.consent.models import AskedOrganization, ConsentRound, Position
    from statements.consent.services import result_not_recorded

    asked = (select(func.count()).select_from(AskedOrganization)
             .where(AskedOrganization.round_id == ConsentRound.id).scalar_subquery())
    answered = (select(func.count(func.distinct(Position.organization_id)))
                .where(Position.round_id == ConsentRound.id).scalar_subquery())
    return (select(ConsentRound.statement_id, ConsentRound.ends_at, asked, answered)
            .where(ConsentRound.statement_id.in_(bindparam("ids", expanding=True)), result_not_recorded(),
                   or_(ConsentRound.ends_at <= bindparam("now", type_=ConsentRound.ends_at.type), answered >= asked))
            .order_by(ConsentRound.statement_id))


def _comment_periods(scope: _Scope, statements, zone: str | None, now: datetime) -> list[Item]:
    """Comment periods open to this person: how long is left, and whether they read the latest revision."""
    open_now = [(s, name) for s, name in statements if s.state == State.COMMENT_PERIOD.value]
    if not open_now:
        return []
    read = dict(db.session.execute(_read_query(), {"me": scope.user.id, "ids": [s.id for s, _ in open_now]}).all())
    items = []
    for statement, group_name in open_now:
        ends = statement.comment_period_ends_at
        days_left = days_until(ends, now, zone) if ends else None
        number = read.get(statement.id)
        reading = "unread" if number is None else "read" if number >= statement.latest_number else "new_revision"
        ending = days_left is not None and days_left <= PERIOD_ENDING_DAYS and scope.coordinates(statement.group_id)
        items.append(_item(Kind.PERIOD_ENDING if ending else Kind.COMMENT_PERIOD, statement, group_name,
                           due=ends, days_left=days_left, reading=reading,
                           from_network=not scope.in_group(statement.group_id)))
    return items


@cache
def _read_query():
    return select(StatementRead.statement_id, StatementRead.revision_number).where(
        StatementRead.user_id == bindparam("me"), StatementRead.statement_id.in_(bindparam("ids", expanding=True)))


def _threads(scope: _Scope) -> list[Item]:
    """Threads with replies this person has not read, where they are mentioned, wrote, or that they started."""
    items = []
    for thread_id, statement, group_name, unread, mentions, _last in db.session.execute(
            _threads_query(*scope.shape()), scope.values()):
        items.append(_item(Kind.THREAD, statement, group_name, thread_id=thread_id, count=unread,
                           mentioned=mentions > 0, from_network=not scope.in_group(statement.group_id)))
    return items


@lru_cache(maxsize=64)
def _threads_query(network: bool, in_groups: bool, grants: int):
    me = bindparam("me")
    own = aliased(Comment)
    # what came before a person's own latest comment they had read when they wrote it
    my_last = select(func.max(own.id)).where(own.thread_id == Thread.id, own.author_id == me).scalar_subquery()
    took_part = or_(Thread.author_id == me, my_last.is_not(None))
    last = func.max(Comment.id)
    query = (
        select(Thread.id, Statement, WorkingGroup.name, func.count(Comment.id), func.count(Mention.user_id), last)
        .join(Comment, Comment.thread_id == Thread.id)
        .join(Statement, Statement.id == Thread.statement_id)
        .join(WorkingGroup, WorkingGroup.id == Statement.group_id)
        .outerjoin(ThreadRead, and_(ThreadRead.thread_id == Thread.id, ThreadRead.user_id == me))
        .outerjoin(Mention, and_(Mention.comment_id == Comment.id, Mention.user_id == me))
        .where(Comment.id > func.coalesce(ThreadRead.last_comment_id, 0), Comment.id > func.coalesce(my_last, 0),
               Comment.deleted_at.is_(None),
               or_(Comment.author_id.is_(None), Comment.author_id != me),
               or_(Mention.user_id.is_not(None), took_part), statements_seen(network, in_groups, grants))
        .group_by(Thread.id, Statement.id, WorkingGroup.name).order_by(last.desc()).limit(THREAD_LIMIT)
    )
    return query


def _signons(scope: _Scope, steered) -> list[Item]:
    """Sign-ons confirmed by their contact and waiting for a decision, and those flagged as likely duplicates."""
    collecting = {s.id: (s, name) for s, name in steered
                  if s.state in (State.SIGNON_OPEN.value, State.SIGNON_CLOSED.value)}
    if not collecting:
        return []
    items = []
    for statement_id, waiting, flagged in db.session.execute(_signons_query(scope.network),
                                                             {"ids": list(collecting)}).all():
        statement, group_name = collecting[statement_id]
        items.append(_item(Kind.SIGNONS_WAITING, statement, group_name, count=waiting))
        if flagged:
            items.append(_item(Kind.DUPLICATES, statement, group_name, count=flagged))
    return items


@cache
def _signons_query(network: bool):
    query = (select(SignOn.statement_id, func.count(),
                    func.sum(case((SignOn.possible_duplicate_of_id.is_not(None), 1), else_=0)))
             .where(SignOn.statement_id.in_(bindparam("ids", expanding=True)),
                    SignOn.status == SignOnStatus.CONFIRMED.value)
             .group_by(SignOn.statement_id))
    if not network:  # an organization counted without being named is left to staff (core.policy)
        query = query.where(SignOn.visibility != Visibility.COUNT_ONLY.value)
    return query


def _open_threads(steered) -> list[Item]:
    """Statements whose open threads stand between them and a final text."""
    drafting = {s.id: (s, name) for s, name in steered
                if s.state in (State.DRAFT.value, State.COMMENT_PERIOD.value)}
    if not drafting:
        return []
    counts = db.session.execute(_open_threads_query(), {"ids": list(drafting)}).all()
    return [_item(Kind.OPEN_THREADS, *drafting[statement_id], count=count) for statement_id, count in counts]


@cache
def _open_threads_query():
    return (select(Thread.statement_id, func.count())
            .where(Thread.statement_id.in_(bindparam("ids", expanding=True)), Thread.resolved_at.is_(None))
            .group_by(Thread.statement_id))


def _lifecycle(steered, zone: str | None, now: datetime) -> list[Item]:
    """Steps a coordinator should take: open sign-on on a final text, mind a deadline, publish."""
    items = []
    for statement, group_name in steered:
        if statement.source_id is not None:
            continue  # a translation follows its source through sign-on and publication
        if statement.state == State.FINAL.value:
            items.append(_item(Kind.FINAL_NOT_OPEN, statement, group_name))
        elif statement.state == State.SIGNON_OPEN.value and statement.signon_deadline is not None:
            days_left = days_until(statement.signon_deadline, now, zone)
            if days_left <= DEADLINE_NEAR_DAYS:
                items.append(_item(Kind.DEADLINE_NEAR, statement, group_name, due=statement.signon_deadline,
                                   days_left=days_left))
        elif statement.state == State.SIGNON_CLOSED.value:
            items.append(_item(Kind.READY_TO_PUBLISH, statement, group_name))
    return items


def _invitations(now: datetime) -> list[Item]:
    """Invitations not accepted: those still waiting, and those that expired lately."""
    expired = Invitation.expires_at <= now
    counts = dict(db.session.execute(
        select(expired, func.count()).where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
                                            Invitation.expires_at > now - timedelta(days=INVITATION_EXPIRED_DAYS))
        .group_by(expired)).all())
    items = []
    if counts.get(False):
        items.append(Item(Kind.INVITATIONS_PENDING, count=counts[False]))
    if counts.get(True):
        items.append(Item(Kind.INVITATIONS_EXPIRED, count=counts[True]))
    return items


def _mail_failing(now: datetime) -> list[Item]:
    """Mail the outbox gave up on lately, or is still retrying after a failure."""
    failing = or_(OutboxMessage.status == "failed",
                  and_(OutboxMessage.status == "pending", OutboxMessage.attempts > 0))
    count, error = db.session.execute(
        select(func.count(), func.max(OutboxMessage.last_error))
        .where(failing, OutboxMessage.created_at > now - timedelta(days=MAIL_FAILING_DAYS))).one()
    return [Item(Kind.MAIL_FAILING, count=count, detail=error or "")] if count else []
