"""Organizational sign-ons to a statement's final text."""

from datetime import datetime
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from statements.accounts.models import User
from statements.core.db import UTCDateTime, utcnow
from statements.extensions import db

NAME_MAX = 200
MESSAGE_MAX = 2000
ENTERED_FROM_MAX = 120


class SignOnStatus(StrEnum):
    PENDING = "pending"  # waiting for the contact to confirm by email: not counted
    CONFIRMED = "confirmed"  # confirmed, waiting for staff approval
    APPROVED = "approved"  # on the public list (as its visibility allows)
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        """The status in the language of the page."""
        return {"pending": _("Waiting for email confirmation"), "confirmed": _("Waiting for approval"),
                "approved": _("Approved"), "rejected": _("Rejected"), "withdrawn": _("Withdrawn")}[self.value]


class Visibility(StrEnum):
    NAMED = "named"  # name, country and type on the public list
    COUNTRY_ONLY = "country"  # "an organization in <country>"
    COUNT_ONLY = "count"  # only in the count

    @property
    def label(self) -> str:
        """The choice in the language of the page."""
        return {"named": _("Show our name, country and type"),
                "country": _("Show only “an organization in <our country>”"),
                "count": _("Count us, but do not list us")}[self.value]


#: statuses in which an organization has signed (a pending one only until its link expires)
ACTIVE_STATUSES = (SignOnStatus.PENDING.value, SignOnStatus.CONFIRMED.value, SignOnStatus.APPROVED.value)
#: statuses in which a signature was confirmed by its contact: the first of a name to get here holds it
CONFIRMED_STATUSES = (SignOnStatus.CONFIRMED.value, SignOnStatus.APPROVED.value)


class SignOn(db.Model):
    """One organization signing one statement. Rows are added, never a counter bumped."""

    __tablename__ = "signon"
    __table_args__ = (
        # the same organization (by normalized name) is approved at most once per statement, even when
        # two confirmations or approvals arrive at once; unconfirmed ones never hold a name
        Index("uq_signon_approved_name", "statement_id", "name_key", unique=True,
              sqlite_where=text("status = 'approved'"), postgresql_where=text("status = 'approved'")),
        Index("ix_signon_statement_status", "statement_id", "status"),
        Index("ix_signon_statement_email_key", "statement_id", "email_key"),
        Index("ix_signon_statement_domain", "statement_id", "email_domain"),
        Index("ix_signon_statement_first_word", "statement_id", "first_word"),
        # with the three above, every way a new sign-on may repeat an earlier one is looked up in an index
        # (services.find_duplicate), never by reading all of a statement's sign-ons
        Index("ix_signon_statement_name_key", "statement_id", "name_key"),
        Index("ix_signon_statement_acronym", "statement_id", "acronym"),
        # in the public list's order (services.public_query), so a page is read off the index, not sorted
        Index("ix_signon_public_list", "statement_id", "status", "country_sort", "visibility", "sort_key", "id"),
        # a paper-entry form sent twice (a double tap, a resent request) adds one sign-on, not two
        Index("uq_signon_entry_key", "entry_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"))
    #: the final revision this organization signed
    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id", ondelete="RESTRICT"))
    organization_name: Mapped[str] = mapped_column(String(NAME_MAX))
    #: duplicates.name_key of the name
    name_key: Mapped[str] = mapped_column(String(NAME_MAX))
    first_word: Mapped[str] = mapped_column(String(60))
    #: the name folded for accent-aware alphabetical order
    sort_key: Mapped[str] = mapped_column(String(NAME_MAX))
    acronym: Mapped[str] = mapped_column(String(30), default="")
    country: Mapped[str] = mapped_column(String(2))
    #: the country's name folded, so lists run Bangladesh, Brazil, Canada... whatever the codes
    country_sort: Mapped[str] = mapped_column(String(80), default="")
    org_type: Mapped[str] = mapped_column(String(20))
    website: Mapped[str | None] = mapped_column(String(300))
    #: private: never shown publicly
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254))
    email_domain: Mapped[str | None] = mapped_column(String(254))
    message: Mapped[str] = mapped_column(Text, default="")
    authorized: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_to_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    #: one of Visibility
    visibility: Mapped[str] = mapped_column(String(10), default=Visibility.NAMED.value)
    #: the interface language the organization signed in (statements.core.i18n.LANGUAGES): its mail is in it
    language: Mapped[str] = mapped_column(String(10), default="en")
    #: one of SignOnStatus
    status: Mapped[str] = mapped_column(String(10), default=SignOnStatus.PENDING.value)
    #: "form" (the public page) or "staff" (entered by staff)
    source: Mapped[str] = mapped_column(String(10), default="form")
    #: a short code the contact can type instead of following the link (stored hashed)
    code_hash: Mapped[str] = mapped_column(String(64), default="")
    #: changes when a confirmation is used or re-sent, so older links stop working
    confirm_nonce: Mapped[str] = mapped_column(String(32))
    #: when the latest confirmation link and code were sent: both expire CONFIRM_DAYS after it
    confirm_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    #: wrong codes typed for this sign-on, from any address; past a few, only the link confirms
    code_attempts: Mapped[int] = mapped_column(Integer, default=0)
    withdraw_nonce: Mapped[str] = mapped_column(String(32))
    #: set when sign-on reopened on a newer final text this organization has not confirmed yet
    reconfirm_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id", ondelete="SET NULL"))
    possible_duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("signon.id", ondelete="SET NULL"))
    duplicate_reason: Mapped[str | None] = mapped_column(String(120))
    moderation_note: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the partner's link that brought this sign-on to the form, if any (never shown publicly)
    partner_link_id: Mapped[int | None] = mapped_column(ForeignKey("partner_link.id", ondelete="SET NULL"))
    #: where staff found a sign-on they typed in, as they wrote it ("Paper form, Nairobi summit"); never public
    entered_from: Mapped[str | None] = mapped_column(String(ENTERED_FROM_MAX))
    #: "<batch>.<form>" of the paper-entry form that added it (signons.paper): one sign-on per form sent,
    #: and the batch part lists what one person typed in one sitting
    entry_key: Mapped[str | None] = mapped_column(String(40))

    statement = relationship("Statement")
    revision = relationship("Revision", foreign_keys=[revision_id])
    decided_by: Mapped[User | None] = relationship()
    possible_duplicate_of: Mapped["SignOn | None"] = relationship(remote_side=[id])
    partner_link: Mapped["PartnerLink | None"] = relationship()

    @property
    def group(self):
        return self.statement.group

    @property
    def status_enum(self) -> SignOnStatus:
        return SignOnStatus(self.status)

    def __repr__(self) -> str:
        return f"<SignOn {self.id} {self.organization_name!r} {self.status}>"


PARTNER_NAME_MAX = 120


class PartnerLink(db.Model):
    """A named link to a statement's sign-on form, given to one partner: the sign-ons it brings say so.
    Only coordinators and staff see the partner's name and the link's token."""

    __tablename__ = "partner_link"
    __table_args__ = (
        # a name is given once per statement, even when the form is sent twice at once
        Index("uq_partner_link_statement_name", "statement_id", "name_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(PARTNER_NAME_MAX))
    #: the name folded (case, spaces), so that "Red Norte" and "red  norte" are the same partner
    name_key: Mapped[str] = mapped_column(String(PARTNER_NAME_MAX))
    #: random and unguessable: it travels in the link's address and the form's hidden field
    token: Mapped[str] = mapped_column(String(40), unique=True)
    #: a link turned off still opens the form, but what is signed through it is no longer put to its name
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    turned_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    statement = relationship("Statement")
    created_by: Mapped[User | None] = relationship()

    @property
    def group(self):
        return self.statement.group

    def __repr__(self) -> str:
        return f"<PartnerLink {self.id} {self.name!r}>"
