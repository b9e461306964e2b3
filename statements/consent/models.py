"""Consent rounds: a coordinator asks the member organizations of a group for their position on a text."""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from statements.accounts.models import Organization, User
from statements.core.db import UTCDateTime, utcnow
from statements.extensions import db

COMMENT_MAX = 2000


class Stance(StrEnum):
    """The position an organization takes on the text."""

    SUPPORT = "support"
    CONCERNS = "concerns"
    CANNOT_SUPPORT = "cannot_support"

    @property
    def label(self) -> str:
        """The position's name in the reader's language."""
        return str(_STANCE_LABELS[self])


_STANCE_LABELS = {Stance.SUPPORT: _l("Support"), Stance.CONCERNS: _l("Support with concerns"),
                  Stance.CANNOT_SUPPORT: _l("Cannot support")}


class ConsentRound(db.Model):
    """A request to the organizations of a group for their position on a statement's text, by a date."""

    __tablename__ = "consent_round"
    #: the number makes two coordinators opening a round at the same moment collide instead of both opening one
    __table_args__ = (UniqueConstraint("statement_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"), index=True)
    #: 1 for a statement's first round, 2 for its second...
    number: Mapped[int] = mapped_column(Integer)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: positions are taken until this moment (UTC)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the revision the organizations were asked about
    revision_number: Mapped[int] = mapped_column(Integer, default=0)
    #: set when the text was made final: the round's result is then part of the lifecycle
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the revision made final with this result
    final_revision_number: Mapped[int | None] = mapped_column(Integer)

    opened_by: Mapped[User | None] = relationship()
    statement = relationship("Statement")
    asked: Mapped[list["AskedOrganization"]] = relationship(back_populates="round", cascade="all, delete-orphan",
                                                            order_by="AskedOrganization.id")

    def is_open(self, now: datetime | None = None) -> bool:
        return self.recorded_at is None and (now or utcnow()) < self.ends_at

    def __repr__(self) -> str:
        return f"<ConsentRound {self.statement_id}#{self.number}>"


class AskedOrganization(db.Model):
    """An organization asked for its position in a round."""

    __tablename__ = "consent_asked_organization"
    __table_args__ = (UniqueConstraint("round_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("consent_round.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)

    round: Mapped[ConsentRound] = relationship(back_populates="asked")
    organization: Mapped[Organization] = relationship()

    def __repr__(self) -> str:
        return f"<AskedOrganization round={self.round_id} organization={self.organization_id}>"


class Position(db.Model):
    """A position recorded for an organization. Never changed: a new one replaces it, the latest counts."""

    __tablename__ = "consent_position"
    __table_args__ = (Index("ix_consent_position_round_organization", "round_id", "organization_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("consent_round.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    #: one of Stance
    stance: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    #: the representative of the organization who recorded it
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @property
    def stance_enum(self) -> Stance:
        return Stance(self.stance)

    def __repr__(self) -> str:
        return f"<Position round={self.round_id} organization={self.organization_id} {self.stance}>"
