"""A coordinator's busy network, for the home page's benchmark and its query-count test.

One coordinator in several groups, with statements at every step of their lifecycle, many threads
(some mentioning the coordinator, some answering them) and many sign-ons waiting for approval.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import func, insert, select, update

COORDINATOR = "coordinator@example.org"
#: the lifecycle steps the statements are spread over, in turn
STEPS = ("comment_period", "draft", "signon_open", "final", "signon_closed", "comment_period", "signon_open")


def build_busy_network(groups: int = 5, statements: int = 50, threads: int = 2000, signons: int = 5000,
                       password: str = "demo-password", prefix: str = "") -> int:
    """Store the data (inside an app context) and return the coordinator's user id; with a prefix, the
    people, groups and statements are its own (to build two networks side by side)."""
    from statements.accounts.models import Membership, User, WorkingGroup
    from statements.comments.models import Comment, Mention, Thread, ThreadRead
    from statements.core.db import utcnow
    from statements.drafts import services as drafts
    from statements.drafts.models import Statement
    from statements.extensions import db
    from statements.signons.models import SignOn

    def person(email: str, name: str) -> User:
        user = User(display_name=name)
        user.set_email(email)
        user.set_password(password)
        db.session.add(user)
        return user

    coordinator = person(prefix + COORDINATOR, "Carmen Coordinator")
    member = person(prefix + "member@example.org", "Mo Member")
    teams = [WorkingGroup(name=f"{prefix}Working group {number + 1}") for number in range(groups)]
    db.session.add_all(teams)
    for team in teams:
        db.session.add_all([Membership(user=coordinator, group=team, role="coordinator"),
                            Membership(user=member, group=team, role="member")])
    db.session.flush()
    made = []
    for number in range(statements):
        step = STEPS[number % len(STEPS)]
        statement = drafts.create_statement(coordinator, teams[number % groups], f"Statement {number + 1}",
                                            f"{prefix}statement-{number + 1}", "en", "", f"# Statement {number + 1}\n\nText.")
        if step != "draft":
            drafts.transition(coordinator, statement, "comment_period")
            statement.comment_period_ends_at = utcnow() + timedelta(days=number % 10)
        if step in ("final", "signon_open", "signon_closed"):
            drafts.transition(coordinator, statement, "final")
        if step in ("signon_open", "signon_closed"):
            drafts.transition(coordinator, statement, "signon_open")
            statement.signon_deadline = utcnow() + timedelta(days=number % 12)
        if step == "signon_closed":
            drafts.transition(coordinator, statement, "signon_closed")
        made.append(statement)
    db.session.flush()
    talking = [s for s in made if s.state in ("draft", "comment_period")]
    collecting = [s for s in made if s.state in ("signon_open", "signon_closed")]
    thread_rows = [Thread(statement_id=talking[n % len(talking)].id,
                          author_id=coordinator.id if n % 3 == 0 else member.id) for n in range(threads)]
    db.session.add_all(thread_rows)
    db.session.flush()
    comments = [Comment(thread_id=t.id, author_id=member.id,
                        body="@CarmenCoordinator what do you think?" if n % 5 == 0 else "A point.")
                for n, t in enumerate(thread_rows)]
    db.session.add_all(comments)
    db.session.flush()
    db.session.execute(insert(Mention), [{"comment_id": c.id, "user_id": coordinator.id}
                                         for n, c in enumerate(comments) if n % 5 == 0])
    db.session.execute(insert(ThreadRead), [{"user_id": coordinator.id, "thread_id": t.id,
                                             "last_comment_id": comments[n].id, "read_at": utcnow()}
                                            for n, t in enumerate(thread_rows) if n % 2 == 0])
    rows = []
    for n in range(signons):
        statement = collecting[n % len(collecting)]
        name = f"organization {n}"
        rows.append({"statement_id": statement.id, "revision_id": statement.final_revision_id,
                     "organization_name": name.title(), "name_key": name, "first_word": "organization",
                     "sort_key": name, "country": "GT", "org_type": "ngo", "contact_name": "Contact",
                     "contact_email": f"{prefix}contact{n}@example.org", "email_key": f"{prefix}contact{n}@example.org",
                     "status": "confirmed", "visibility": "named", "confirm_nonce": secrets.token_hex(8),
                     "withdraw_nonce": secrets.token_hex(8), "created_at": utcnow(),
                     "duplicate_reason": "very similar names" if n % 50 == 0 else None})
    db.session.execute(insert(SignOn), rows)
    # the flagged ones look like the first sign-on of their statement
    for statement_id, first in db.session.execute(select(SignOn.statement_id, func.min(SignOn.id)).where(
            SignOn.statement_id.in_([s.id for s in collecting])).group_by(SignOn.statement_id)).all():
        db.session.execute(update(SignOn).where(SignOn.statement_id == statement_id, SignOn.id != first,
                                                SignOn.duplicate_reason.is_not(None))
                           .values(possible_duplicate_of_id=first))
    db.session.commit()
    return coordinator.id
