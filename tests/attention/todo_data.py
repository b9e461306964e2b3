"""Rows for to-do list tests, stored the way the services store them."""

import secrets
from datetime import datetime

from statements.accounts.models import User
from statements.comments import services as comments
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from statements.signons.models import SignOn


def open_comment_period(statement_id: int, coordinator_id: int, ends_at: datetime | None = None,
                        open_to_network: bool = False) -> None:
    statement = db.session.get(Statement, statement_id)
    drafts.transition(db.session.get(User, coordinator_id), statement, "comment_period")
    statement.comment_period_ends_at, statement.open_to_network = ends_at, open_to_network
    db.session.commit()


def add_signon(statement: Statement, name: str, status: str = "confirmed", duplicate_of: SignOn | None = None,
               visibility: str = "named") -> SignOn:
    key = name.lower()
    signon = SignOn(statement_id=statement.id, revision_id=statement.final_revision_id, organization_name=name,
                    name_key=key, first_word=key.split()[0], sort_key=key, country="GT", org_type="ngo",
                    contact_name="Contact", contact_email=f"{secrets.token_hex(4)}@example.org",
                    email_key=f"{secrets.token_hex(4)}@example.org", status=status, visibility=visibility,
                    confirm_nonce=secrets.token_hex(8), withdraw_nonce=secrets.token_hex(8),
                    possible_duplicate_of_id=duplicate_of.id if duplicate_of else None,
                    duplicate_reason="very similar names" if duplicate_of else None)
    db.session.add(signon)
    db.session.flush()
    return signon


def start_thread(author_id: int, statement_id: int, body: str) -> int:
    thread = comments.open_thread(db.session.get(User, author_id), db.session.get(Statement, statement_id), body)
    db.session.commit()
    return thread.id


def reply(author_id: int, thread_id: int, body: str) -> None:
    from statements.comments.models import Thread

    comments.reply(db.session.get(User, author_id), db.session.get(Thread, thread_id), body)
    db.session.commit()
