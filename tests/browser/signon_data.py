"""Arranging sign-ons for browser tests: recorded through the services the public form uses."""

from dataclasses import dataclass
from datetime import timedelta

from flask import url_for
from sqlalchemy import select

from statements.accounts.models import User
from statements.core.db import utcnow
from statements.drafts.models import Statement
from statements.extensions import db
from statements.signons import services
from statements.signons.models import SignOn

#: what the public form sends, before a test changes some of it
FIELDS = {
    "organization_name": "Asociación de Trabajadoras del Hogar", "country": "GT", "org_type": "union",
    "website": "https://trabajadoras.example.net", "contact_name": "María López",
    "contact_email": "maria.lopez@trabajadoras.org.gt", "message": "", "visibility": "named",
    "authorized": True, "consent_to_contact": False,
}


@dataclass
class Signed:
    id: int
    code: str
    confirm_path: str
    withdraw_path: str


def statement_by_slug(slug: str) -> Statement:
    return db.session.scalar(select(Statement).where(Statement.slug == slug))


def signon_named(name: str) -> SignOn:
    return db.session.scalars(select(SignOn).where(SignOn.organization_name == name)).one()


def sign(app, slug: str, *, status: str = "pending", days_ago: int = 0, **fields) -> Signed:
    """Sign as the public form does; then confirm and approve as far as `status` says."""
    with app.test_request_context():
        statement = statement_by_slug(slug)
        signon, code = services.sign(statement, {**FIELDS, **fields})
        signed = Signed(signon.id, code,
                        url_for("signons.confirm", slug=slug, token=services.confirm_token(signon)),
                        url_for("signons.withdraw", slug=slug, token=services.withdraw_token(signon)))
        if days_ago:
            signon.created_at = utcnow() - timedelta(days=days_ago)
        if status in ("confirmed", "approved"):
            services.confirm(signon)
        if status == "approved" and signon.status != "approved":
            admin = db.session.scalars(select(User).where(User.is_admin)).first()
            services.decide(admin, [signon], approve=True)
        db.session.commit()
        services.forget_counts()
        return signed


def set_deadline_in_the_past(app, slug: str, closing_message: str = "") -> None:
    """As if the deadline passed while nobody looked: the next request closes sign-on."""
    with app.app_context():
        statement = statement_by_slug(slug)
        statement.signon_deadline = utcnow() - timedelta(minutes=1)
        statement.signon_closing_message = closing_message
        db.session.commit()
