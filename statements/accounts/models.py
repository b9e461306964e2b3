"""People, member organizations, working groups and memberships."""

import hashlib
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from statements.core.db import UTCDateTime, utcnow
from statements.core.policy import Role
from statements.extensions import db

EMAIL_MAX = 254
NAME_MAX = 120
PASSWORD_MIN = 10

#: (code, label): the labels are lazy, read in the language of whoever sees them
ORGANIZATION_TYPES = [
    ("ngo", _l("Non-governmental organization")),
    ("union", _l("Trade union or workers' organization")),
    ("grassroots", _l("Grassroots or community group")),
    ("network", _l("Network or coalition")),
    ("womens", _l("Women's or feminist organization")),
    ("migrant", _l("Migrant or refugee-led organization")),
    ("faith", _l("Faith-based organization")),
    ("research", _l("Research or academic institution")),
    ("other", _l("Other")),
]


def normalize_email(email: str) -> str:
    """Return the form of an address used to compare and look it up (case-insensitive)."""
    return email.strip().lower()


class Organization(db.Model):
    """A member organization of the network."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: ISO 3166 alpha-2 code
    country: Mapped[str] = mapped_column(String(2))
    #: one of ORGANIZATION_TYPES
    org_type: Mapped[str] = mapped_column(String(20))
    website: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def type_label(self) -> str:
        return str(dict(ORGANIZATION_TYPES).get(self.org_type, self.org_type))

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r}>"


class User(UserMixin, db.Model):
    """A person with an account: a member of working groups, or network staff."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    #: lower-cased email, unique: addresses are compared without regard to case
    email_normalized: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    display_name: Mapped[str] = mapped_column(String(NAME_MAX))
    password_hash: Mapped[str] = mapped_column(String(255))
    #: network staff: may administer everything
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"))
    #: the language of the interface and of mail for this person (statements.core.i18n.LANGUAGES); None: the browser's
    language: Mapped[str | None] = mapped_column(String(10))
    #: the IANA time zone dates are shown in for this person (statements.core.timezones); None: UTC
    time_zone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization | None] = relationship()
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    #: the translations this person was invited to work on (read only for those outside the group)
    translator_grants: Mapped[list["TranslatorGrant"]] = relationship(
        back_populates="user", foreign_keys="TranslatorGrant.user_id", cascade="all, delete-orphan"
    )

    def set_email(self, email: str) -> None:
        self.email = email.strip()
        self.email_normalized = normalize_email(email)

    #: the key of the login session this object was loaded for (not stored: the session row keeps its hash)
    session_key = None

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    def get_id(self) -> str:
        """Return what the session and remember-me cookies hold: "<user id>.<login session key>"."""
        if not self.session_key:
            raise RuntimeError("open a login session (services.log_in) before calling login_user")
        return f"{self.id}.{self.session_key}"

    def password_fingerprint(self) -> str:
        """A short digest of the current password hash: a reset link dies once the password changes."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email_normalized}>"


def session_key_hash(key: str) -> str:
    """Return the digest stored for a login session key, so a copy of the database logs nobody in."""
    return hashlib.sha256(key.encode()).hexdigest()


class LoginSession(db.Model):
    """One login on one device: logging out deletes it, and with it every cookie that names it."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    #: sha256 of the random key the session and remember-me cookies carry
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<LoginSession {self.id} user={self.user_id}>"


class EmailChange(db.Model):
    """A request to move an account to a new address: confirmed from the new one, cancellable from the old."""

    __tablename__ = "email_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    old_email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    new_email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: set by the link sent to the old address, a newer request, or a password change or reset
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def status(self) -> str:
        if self.cancelled_at:
            return "cancelled"
        return "confirmed" if self.confirmed_at else "pending"

    def __repr__(self) -> str:
        return f"<EmailChange {self.id} user={self.user_id} {self.status}>"


class WorkingGroup(db.Model):
    """A working group of the network: its members draft statements together."""

    __tablename__ = "working_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="Membership.id"
    )

    def __repr__(self) -> str:
        return f"<WorkingGroup {self.id} {self.name!r}>"


class Membership(db.Model):
    """A person's place in a working group, with their role there."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"), index=True)
    #: one of policy.Role
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    group: Mapped[WorkingGroup] = relationship(back_populates="memberships")

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    def __repr__(self) -> str:
        return f"<Membership user={self.user_id} group={self.group_id} {self.role}>"


class Invitation(db.Model):
    """An invitation sent by email; its link is signed, expires, and works once."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    email_normalized: Mapped[str] = mapped_column(String(EMAIL_MAX), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"))
    #: the role in group_id the invitee gets; None when no group is named
    role: Mapped[str | None] = mapped_column(String(20))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"))
    make_admin: Mapped[bool] = mapped_column(default=False)
    #: for an invitation to translate: the statement and the language (see TranslatorGrant)
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"))
    language: Mapped[str | None] = mapped_column(String(8))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    group: Mapped[WorkingGroup | None] = relationship()
    organization: Mapped[Organization | None] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
    statement = relationship("Statement")

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= utcnow():
            return "expired"
        return "pending"

    def __repr__(self) -> str:
        return f"<Invitation {self.id} {self.email_normalized} {self.status}>"


class TranslatorGrant(db.Model):
    """A person invited to translate one statement into one language: they may work on that translation
    and nothing else of the group (statements.core.policy). Until an invitation is accepted, user_id is None."""

    __tablename__ = "translator_grant"
    __table_args__ = (UniqueConstraint("statement_id", "language", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the source statement (never a translation)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"), index=True)
    #: the language of the translation (statements.drafts.models.LANGUAGES)
    language: Mapped[str] = mapped_column(String(8))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    #: the invitation sent to an address without an account; the grant is the person's once it is accepted
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship(back_populates="translator_grants", foreign_keys=[user_id])
    invitation: Mapped[Invitation | None] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
    statement = relationship("Statement")

    def __repr__(self) -> str:
        return f"<TranslatorGrant {self.statement_id}:{self.language} user={self.user_id}>"
