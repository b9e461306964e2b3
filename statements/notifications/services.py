"""Tell people what concerns them: a row per person per event, a mail at once or in the daily digest
(each person's choice per kind), one-click unsubscribe, and the clock that sends reminders."""

from collections import defaultdict
from datetime import datetime, timedelta
from functools import cache

from flask import g, has_app_context
from flask_babel import force_locale, gettext as _, ngettext
from sqlalchemy import and_, bindparam, exists, func, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from statements.accounts.models import Membership, User
from statements.comments.models import Comment, Thread, ThreadRead
from statements.core.db import QuickStatement, flushed_connection, utcnow
from statements.core.errors import InvalidToken
from statements.core.i18n import DEFAULT_LANGUAGE, supported
from statements.core.policy import Permission, Role, can
from statements.core import templating  # (its module, not its function: templating imports the views that import this)
from statements.core.timezones import reading_in
from statements.core.tokens import make_token, read_token
from statements.core.urls import external_url
from statements.drafts.models import State, Statement
from statements.extensions import db
from statements.mail.services import queue_mail
from statements.notifications import kinds as k
from statements.notifications.models import Notification, NotificationPreference, ReminderSent

#: the lifecycle step each notification kind tells of
STATE_KINDS = {State.COMMENT_PERIOD.value: k.PERIOD_OPENED, State.FINAL.value: k.MADE_FINAL,
               State.SIGNON_OPEN.value: k.SIGNON_OPENED, State.PUBLISHED.value: k.PUBLISHED}
#: how long before a date its reminder goes out
REMINDER_AHEAD = timedelta(hours=48)
UNSUBSCRIBE = "unsubscribe"
#: people whose digests are built together (one query for their rows)
DIGEST_BATCH = 200


# --- preferences ----------------------------------------------------------------------------------

def choices_of(user: User) -> dict[str, str]:
    """How a person hears of each kind: their choice, else the kind's default."""
    chosen = dict(db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.choice)
        .where(NotificationPreference.user_id == user.id)).all())
    return {kind: chosen.get(kind, default) for kind, default in k.DEFAULTS.items()}


def set_choice(user: User, kind: str, choice: str) -> None:
    """Record how a person wants to hear of one kind."""
    preference = db.session.get(NotificationPreference, (user.id, kind))
    if preference is None:
        db.session.add(NotificationPreference(user_id=user.id, kind=kind, choice=choice))
    else:
        preference.choice = choice


def set_choices(user: User, choices: dict[str, str]) -> None:
    """Record a person's choices from the preferences form; what is missing or unknown keeps its value."""
    for kind, choice in choices.items():
        if kind in k.KINDS and choice in k.CHOICES:
            set_choice(user, kind, choice)
    db.session.flush()


# --- who hears of what ----------------------------------------------------------------------------

def _group_people(statement: Statement, role: Role | None = None):
    query = select(User).join(Membership, Membership.user_id == User.id) \
        .where(Membership.group_id == statement.group_id)
    if role is not None:
        query = query.where(Membership.role == role.value)
    return db.session.scalars(query).all()


def _network_members():
    return db.session.scalars(select(User).where(exists().where(Membership.user_id == User.id))).all()


def _thread_participants(thread: Thread):
    return db.session.scalars(select(User).where(
        User.id.in_(select(Comment.author_id).where(Comment.thread_id == thread.id)))).all()


def _with_unread_comments(statement: Statement) -> list[User]:
    """Those taking part in an open thread of the statement whose latest comment they have not read."""
    open_threads = select(Thread.id).where(Thread.statement_id == statement.id, Thread.resolved_at.is_(None))
    latest = dict(db.session.execute(select(Comment.thread_id, func.max(Comment.id))
                                     .where(Comment.thread_id.in_(open_threads)).group_by(Comment.thread_id)).all())
    if not latest:
        return []
    last_authors = dict(db.session.execute(select(Comment.id, Comment.author_id)
                                           .where(Comment.id.in_(latest.values()))).all())
    taking_part = db.session.execute(select(Comment.thread_id, Comment.author_id).distinct()
                                     .where(Comment.thread_id.in_(latest), Comment.author_id.is_not(None))).all()
    read = {(row.user_id, row.thread_id): row.last_comment_id for row in db.session.execute(
        select(ThreadRead.user_id, ThreadRead.thread_id, ThreadRead.last_comment_id)
        .where(ThreadRead.thread_id.in_(latest)))}
    unread = {user_id for thread_id, user_id in taking_part
              if last_authors[latest[thread_id]] != user_id and read.get((user_id, thread_id), 0) < latest[thread_id]}
    return db.session.scalars(select(User).where(User.id.in_(unread))).all() if unread else []


def audience(kind: str, statement: Statement, thread: Thread | None = None) -> list[User]:
    """The people a kind of event on a statement concerns (before leaving out who caused it)."""
    if kind in k.FOR_COORDINATORS:
        return _group_people(statement, Role.COORDINATOR)
    if kind in (k.REPLY, k.THREAD_RESOLVED) and thread is not None:
        return _thread_participants(thread)
    if kind == k.NEW_REVISION:
        return _with_unread_comments(statement)
    if kind in (k.PERIOD_OPENED, k.PERIOD_ENDING) and statement.open_to_network:
        return _network_members()
    return _group_people(statement)


def may_see(user: User, kind: str, statement: Statement) -> bool:
    """Say whether a person may see what a kind of notification on a statement is about."""
    if not user.is_active:
        return False
    if kind in k.FOR_COORDINATORS:
        return can(user, Permission.STATEMENT_TRANSITION, statement)
    if kind in (k.PERIOD_OPENED, k.PERIOD_ENDING) and statement.open_to_network \
            and statement.state == State.COMMENT_PERIOD.value and user.memberships:
        return True
    return can(user, Permission.STATEMENT_VIEW, statement)


def still_visible(notification: Notification) -> bool:
    """Say whether its person may still see what a notification is about (else it is neither listed nor sent)."""
    if notification.statement is None:
        return False
    if notification.comment is not None and notification.comment.deleted_at is not None:
        return False
    return may_see(notification.user, notification.kind, notification.statement)


def _visible_clause(user: User):
    """The SQL twin of still_visible for one person's list: change both together.

    Its values are parameters (`_visible_values` gives them), so that the clause is built once per shape."""
    return _visible_shape(bool(user.is_admin), bool(user.memberships))


@cache
def _visible_shape(admin: bool, member: bool):
    # (its only value is the person: no list is spliced into the text at each run, so that the header's
    # count runs as a QuickStatement)
    me = bindparam("visible_user")
    if not admin:
        groups = select(Membership.group_id).where(Membership.user_id == me)
        steering = groups.where(Membership.role == Role.COORDINATOR.value)
        for_coordinators = _kind_among(k.FOR_COORDINATORS)
        reach = [and_(for_coordinators, Statement.group_id.in_(steering)),
                 and_(~for_coordinators, Statement.group_id.in_(groups))]
        if member:  # a member of any group is a member of the network
            reach.append(and_(_kind_among((k.PERIOD_OPENED, k.PERIOD_ENDING)), Statement.open_to_network,
                              Statement.state == State.COMMENT_PERIOD.value))
        in_reach = or_(*reach)
    else:
        in_reach = true()
    comment_kept = or_(Notification.comment_id.is_(None),
                       ~exists().where(Comment.id == Notification.comment_id, Comment.deleted_at.is_not(None)))
    return and_(Notification.user_id == me, in_reach, comment_kept)


def _kind_among(kinds):
    """Notification.kind IN kinds, written out as a fixed condition (kinds is a constant set)."""
    return or_(*(Notification.kind == kind for kind in sorted(kinds)))


def _visible_values(user: User) -> dict:
    """The values of _visible_clause for this person."""
    return {"visible_user": user.id}


# --- telling --------------------------------------------------------------------------------------

def notify(kind: str | None, statement: Statement, actor: User | None = None, thread: Thread | None = None,
           comment: Comment | None = None, recipients=None, due_at: datetime | None = None,
           count: int | None = None) -> list[Notification]:
    """Tell everyone an event concerns (or the recipients given), except whoever caused it."""
    if kind is None:
        return []
    people = audience(kind, statement, thread) if recipients is None else recipients
    people = [p for p in {p.id: p for p in people}.values()
              if (actor is None or p.id != actor.id) and may_see(p, kind, statement)]
    chosen = dict(db.session.execute(  # one query for everyone told, however many
        select(NotificationPreference.user_id, NotificationPreference.choice).where(
            NotificationPreference.kind == kind, NotificationPreference.user_id.in_([p.id for p in people])
        )).all()) if people else {}
    return [_tell(person, kind, statement, actor, thread, comment, due_at, count,
                  chosen.get(person.id, k.DEFAULTS[kind])) for person in people]


def _todays_row(person: User, kind: str, statement: Statement) -> Notification | None:
    start_of_day = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    return db.session.scalar(select(Notification).where(
        Notification.user_id == person.id, Notification.kind == kind, Notification.statement_id == statement.id,
        Notification.created_at >= start_of_day).order_by(Notification.id.desc()).limit(1))


def _tell(person, kind, statement, actor, thread, comment, due_at, count, choice) -> Notification:
    row = _todays_row(person, kind, statement) if kind in k.BATCHED else None
    if row is not None:
        row.count = count if count is not None else row.count + 1
        row.updated_at, row.read_at, row.actor_id = utcnow(), None, getattr(actor, "id", None)
    else:
        row = Notification(user_id=person.id, kind=kind, statement_id=statement.id,
                           thread_id=getattr(thread, "id", None), comment_id=getattr(comment, "id", None),
                           actor_id=getattr(actor, "id", None), due_at=due_at, count=count or 1)
        db.session.add(row)
    db.session.flush()
    if choice == k.NOW and row.emailed_at is None:  # a batched row is mailed once a day
        _mail_now(row)
    elif choice == k.DIGEST:
        row.digest_pending = True
    return row


def describe(notification: Notification) -> str:
    """What happened, in one sentence of the reader's language (the statement's title is shown beside it)."""
    n, kind = notification, notification.kind
    name = n.actor.display_name if n.actor is not None else _("Someone")
    when = templating.format_datetime(n.due_at) if n.due_at is not None else None
    if kind == k.PERIOD_OPENED:
        return _("The comment period is open until %(date)s.", date=when) if when else \
            _("The comment period is open.")
    if kind == k.PERIOD_ENDING:
        return _("The comment period ends on %(date)s.", date=when)
    if kind == k.PERIOD_ENDED:
        return _("The comment period has ended: close it or give it a new end date.")
    if kind == k.MENTION:
        return _("%(name)s mentioned you in a thread.", name=name)
    if kind == k.REPLY:
        return _("%(name)s replied in a thread you take part in.", name=name)
    if kind == k.THREAD_RESOLVED:
        return _("%(name)s resolved a thread you take part in.", name=name)
    if kind == k.NEW_REVISION:
        return ngettext("A new revision was saved while comments you have not read wait on it.",
                        "%(num)d new revisions were saved while comments you have not read wait on it.", n.count)
    if kind == k.SIGNONS_WAITING:
        return ngettext("%(num)d sign-on waits for approval.", "%(num)d sign-ons wait for approval.", n.count)
    if kind == k.DEADLINE_NEAR:
        return _("Sign-on closes on %(date)s.", date=when)
    if kind == k.CONSENT_OPENED:
        return _("Your organization's position is asked by %(date)s.", date=when)
    if kind == k.CONSENT_ENDING:
        return _("Your organization's position is still awaited; the consent round ends on %(date)s.", date=when)
    if kind == k.CONSENT_ENDED:
        return _("The consent round has ended: read the positions, then make the text final or revise it.")
    if kind == k.MADE_FINAL:
        return _("The text was made final.")
    if kind == k.SUGGESTION_NEW:
        return _("%(name)s suggested a change.", name=name)
    if kind == k.SUGGESTION_ACCEPTED:
        return _("%(name)s accepted your suggested change.", name=name)
    if kind == k.SUGGESTION_REJECTED:
        return _("%(name)s rejected your suggested change.", name=name)
    if kind == k.SIGNON_OPENED:
        return _("It is open for sign-on until %(date)s.", date=when) if when else _("It is open for sign-on.")
    return _("It was published.")


def target_of(notification: Notification) -> tuple[str, dict]:
    """The endpoint and arguments of the page where the action is."""
    if notification.kind in k.ABOUT_A_THREAD and notification.thread_id is not None:
        return "comments.thread", {"thread_id": notification.thread_id}
    if notification.kind == k.SIGNONS_WAITING:
        return "signons.moderation", {"statement_id": notification.statement_id}
    if notification.kind in (k.CONSENT_OPENED, k.CONSENT_ENDING, k.CONSENT_ENDED):
        return "consent.round_page", {"statement_id": notification.statement_id}
    return "drafts.statement", {"statement_id": notification.statement_id}


def _language_of(person: User) -> str:
    return supported(person.language) or DEFAULT_LANGUAGE


def unsubscribe_token(person: User, kind: str) -> str:
    """A link's token that turns off one kind of mail (or the digest) for one person, with no login."""
    return make_token(UNSUBSCRIBE, {"u": person.id, "k": kind})


def _unsubscribe_link(person: User, kind: str) -> str:
    return external_url("notifications.unsubscribe", token=unsubscribe_token(person, kind))


def _unsubscribe_headers(link: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: mail programs POST to the link."""
    return {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _mail_context(person: User, kind: str) -> dict:
    link = _unsubscribe_link(person, kind)
    return {"member": person, "unsubscribe_link": link, "headers": _unsubscribe_headers(link),
            "settings_link": external_url("notifications.preferences")}


def _mail_now(n: Notification) -> None:
    """Queue the mail of one notification, in its person's language and time zone."""
    person, statement = n.user, n.statement
    with force_locale(_language_of(person)), reading_in(person.time_zone):
        endpoint, values = target_of(n)
        link = external_url(endpoint, **values)
        context = _mail_context(person, n.kind) | {"statement": statement, "link": link}
        if n.kind in (k.MENTION, k.REPLY) and n.comment is not None:
            actor_name = n.actor.display_name if n.actor is not None else _("Someone")
            if n.kind == k.MENTION:
                subject = _("%(name)s mentioned you on “%(title)s”", name=actor_name, title=statement.title)
            else:
                subject = _("%(name)s replied in a thread you took part in on “%(title)s”",
                            name=actor_name, title=statement.title)
            queue_mail(person.email, subject[:300], "comment", mentioned=n.kind == k.MENTION, actor=n.actor,
                       actor_name=actor_name, comment=n.comment, **context)
        else:
            what = describe(n)
            subject = _("“%(title)s”: %(what)s", title=statement.title, what=what)
            queue_mail(person.email, subject[:300], "notification", what=what, kind_label=str(k.KINDS[n.kind]),
                       **context)
    n.emailed_at = utcnow()


# --- the list in the app --------------------------------------------------------------------------

def listed_for(user: User, limit: int = 100) -> list[Notification]:
    """A person's notifications, newest first, leaving out what they may no longer see."""
    return db.session.scalars(
        select(Notification).join(Statement, Statement.id == Notification.statement_id)
        .where(_visible_clause(user)).order_by(Notification.updated_at.desc(), Notification.id.desc()).limit(limit)
        .options(selectinload(Notification.statement), selectinload(Notification.actor)),
        _visible_values(user)).all()


@cache
def _unread_count_query(admin: bool, member: bool) -> QuickStatement:
    return QuickStatement(
        select(func.count()).select_from(Notification).join(Statement, Statement.id == Notification.statement_id)
        .where(_visible_shape(admin, member), Notification.read_at.is_(None)))


def unread_count(user: User) -> int:
    """How many notifications wait unread (every page's header shows it: built once per shape, and run on the
    driver's cursor)."""
    query = _unread_count_query(bool(user.is_admin), bool(user.memberships))
    count = query.scalar(flushed_connection(), _visible_values(user)) or 0
    if has_app_context():  # kept for this request: a page that counted none has none to mark read
        g.setdefault("unread_counted", {})[user.id] = count
    return count


def _counted_none_unread(user: User) -> bool:
    return has_app_context() and g.get("unread_counted", {}).get(user.id) == 0


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()


#: kinds read by opening the statement's page
READ_ON_THE_STATEMENT = frozenset({k.PERIOD_OPENED, k.PERIOD_ENDING, k.NEW_REVISION, k.MADE_FINAL, k.SIGNON_OPENED,
                                   k.PUBLISHED})


def mark_read_about(user: User, statement: Statement | None = None, thread: Thread | None = None) -> None:
    """Mark read what a person's notifications told of, once they open the thread or statement itself.

    When this request's page counted nothing unread for them, there is nothing it could have told of: the
    write is left out (a notification they may no longer see stays as it was, unseen)."""
    if _counted_none_unread(user):
        return
    about = {"thread": thread.id} if thread is not None else {"statement": statement.id}
    db.session.execute(_mark_read_statement(thread is not None), {"user": user.id, "now": utcnow(), **about},
                       execution_options={"synchronize_session": False})
    if has_app_context():
        g.pop("unread_counted", None)  # (counted before these were marked)


@cache
def _mark_read_statement(about_thread: bool):
    about = Notification.thread_id == bindparam("thread") if about_thread else and_(
        Notification.statement_id == bindparam("statement"), Notification.kind.in_(READ_ON_THE_STATEMENT))
    return (update(Notification).where(Notification.user_id == bindparam("user"), Notification.read_at.is_(None),
                                       about)
            .values(read_at=bindparam("now", type_=Notification.read_at.type)))


def mark_all_read(user: User) -> int:
    """Mark every unread notification of a person read; return how many."""
    return db.session.execute(update(Notification).where(Notification.user_id == user.id,
                                                         Notification.read_at.is_(None))
                              .values(read_at=utcnow()).execution_options(synchronize_session=False)).rowcount


# --- unsubscribing --------------------------------------------------------------------------------

def read_unsubscribe_token(token: str) -> tuple[User, str]:
    """The person and kind an unsubscribe link names, or InvalidToken."""
    payload = read_token(UNSUBSCRIBE, token, None)
    user = db.session.get(User, payload.get("u")) if isinstance(payload.get("u"), int) else None
    kind = payload.get("k")
    if user is None or (kind not in k.KINDS and kind != k.ALL_DIGEST):
        raise InvalidToken(_("This link is not valid. Choose which emails you get on your account's "
                             "notifications page."))
    return user, kind


def unsubscribe(user: User, kind: str) -> list[str]:
    """Stop one kind of mail, or every kind coming in the digest; return the kinds turned off (none if already)."""
    choices = choices_of(user)
    kinds = [kind] if kind in k.KINDS else [name for name, choice in choices.items() if choice == k.DIGEST]
    turned_off = [name for name in kinds if choices[name] != k.OFF]
    for name in turned_off:
        set_choice(user, name, k.OFF)
    db.session.execute(update(Notification).where(Notification.user_id == user.id, Notification.digest_pending,
                                                  Notification.kind.in_(turned_off))
                       .values(digest_pending=False).execution_options(synchronize_session=False))
    return turned_off


# --- the daily digest -----------------------------------------------------------------------------

def people_with_digest_due() -> list[int]:
    """The ids of people with something waiting for their digest (read off the index of waiting rows)."""
    return db.session.scalars(select(Notification.user_id).distinct()
                              .where(Notification.digest_pending.is_(True))).all()


def send_digests(batch: int = DIGEST_BATCH, commit: bool = True) -> int:
    """Queue one digest mail for each person with something new since their last one; return how many."""
    sent = 0
    user_ids = people_with_digest_due()
    for start in range(0, len(user_ids), batch):
        sent += _send_digest_batch(user_ids[start:start + batch])
        if commit:
            db.session.commit()
    return sent


def _send_digest_batch(user_ids: list[int]) -> int:
    people = db.session.scalars(select(User).where(User.id.in_(user_ids))
                                .options(selectinload(User.memberships), selectinload(User.translator_grants))).all()
    rows = db.session.scalars(
        select(Notification).where(Notification.digest_pending.is_(True), Notification.user_id.in_(user_ids))
        .order_by(Notification.user_id, Notification.created_at)
        .options(selectinload(Notification.statement), selectinload(Notification.actor),
                 selectinload(Notification.comment))).all()
    waiting = defaultdict(list)
    for row in rows:
        waiting[row.user_id].append(row)
    now, sent = utcnow(), 0
    for person in people:
        shown = [row for row in waiting[person.id] if still_visible(row)]
        if shown:
            _mail_digest(person, shown)
            sent += 1
        for row in waiting[person.id]:
            row.digest_pending, row.digested_at = False, now
    db.session.flush()
    return sent


def digest_sections(rows: list[Notification]) -> list[dict]:
    """Group a digest's lines by statement, in the order each statement first appears."""
    sections: dict[int, dict] = {}
    for row in rows:
        section = sections.setdefault(row.statement_id, {
            "statement": row.statement, "lines": [],
            "link": external_url("drafts.statement", statement_id=row.statement_id)})
        section["lines"].append(describe(row))
    return list(sections.values())


def _mail_digest(person: User, rows: list[Notification]) -> None:
    with force_locale(_language_of(person)), reading_in(person.time_zone):
        sections = digest_sections(rows)
        subject = ngettext("Your daily digest: news on %(num)d statement",
                           "Your daily digest: news on %(num)d statements", len(sections))
        queue_mail(person.email, subject, "digest", sections=sections, **_mail_context(person, k.ALL_DIGEST))


# --- the clock ------------------------------------------------------------------------------------

def first_time(statement: Statement, kind: str, due_at: datetime) -> bool:
    """Record that a reminder of this date goes out; False if it already went (also under concurrent ticks)."""
    try:
        with db.session.begin_nested():
            db.session.add(ReminderSent(statement_id=statement.id, kind=kind, due_at=due_at))
    except IntegrityError:
        return False
    return True


def tick(now: datetime | None = None) -> dict[str, int]:
    """Send reminders that are due, each once, and end comment periods and sign-ons whose date has passed."""
    from statements.drafts.services import transition  # drafts tell of their steps through this module
    from statements.consent.services import send_reminders as remind_silent_organizations, tell_of_ended_rounds
    from statements.signons.services import close_if_past_deadline

    now = now or utcnow()
    done = {"period_ending": 0, "period_closed": 0, "period_ended": 0, "deadline_near": 0, "signon_closed": 0,
            "consent_ending": 0, "consent_ended": 0}
    periods = db.session.scalars(select(Statement).where(Statement.state == State.COMMENT_PERIOD.value,
                                                         Statement.comment_period_ends_at.is_not(None))).all()
    for statement in periods:
        ends = statement.comment_period_ends_at
        if ends <= now:
            if statement.comment_period_closes_itself:
                transition(None, statement, State.DRAFT.value)
                done["period_closed"] += 1
            elif first_time(statement, k.PERIOD_ENDED, ends):
                notify(k.PERIOD_ENDED, statement, due_at=ends)
                done["period_ended"] += 1
        elif ends - now <= REMINDER_AHEAD and first_time(statement, k.PERIOD_ENDING, ends):
            notify(k.PERIOD_ENDING, statement, due_at=ends)
            done["period_ending"] += 1
    signing = db.session.scalars(select(Statement).where(Statement.state == State.SIGNON_OPEN.value,
                                                         Statement.signon_deadline.is_not(None))).all()
    for statement in signing:
        deadline = statement.signon_deadline
        if deadline <= now:
            done["signon_closed"] += close_if_past_deadline(statement)
        elif deadline - now <= REMINDER_AHEAD and first_time(statement, k.DEADLINE_NEAR, deadline):
            notify(k.DEADLINE_NEAR, statement, due_at=deadline)
            done["deadline_near"] += 1
    done["consent_ending"] = remind_silent_organizations(now)
    done["consent_ended"] = tell_of_ended_rounds(now)
    db.session.flush()
    return done
