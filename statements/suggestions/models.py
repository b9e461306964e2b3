"""Suggested changes to a statement's text, and who supports them."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from statements.accounts.models import Organization, User
from statements.comments.models import QUOTE_MAX, Thread
from statements.core.db import UTCDateTime, utcnow
from statements.extensions import db

#: the longest replacement text: generous for a passage, far below a whole statement (drafts.models.TEXT_MAX)
REPLACEMENT_MAX = 10_000
REASON_MAX = 2_000


class Status(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Suggestion(db.Model):
    """Replacement words for a passage of a statement, proposed by a member, decided by a coordinator."""

    __tablename__ = "suggestion"
    __table_args__ = (Index("ix_suggestion_statement_status", "statement_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the revision the suggestion was made on, and the passage there (its words and offsets)
    revision_number: Mapped[int]
    original_quote: Mapped[str] = mapped_column(String(QUOTE_MAX))
    original_start: Mapped[int]
    original_end: Mapped[int]
    #: where the passage stands now (as comments.anchoring places it): exact, fuzzy or removed, in which revision
    anchor_status: Mapped[str] = mapped_column(String(10))
    anchor_revision: Mapped[int]
    quote: Mapped[str] = mapped_column(String(QUOTE_MAX))
    prefix: Mapped[str] = mapped_column(String(100), default="")
    suffix: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[int]
    #: the passage changed since the suggestion was made (or a competing suggestion was accepted)
    out_of_date: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    #: the words proposed instead of the passage; empty: delete the passage
    replacement: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text)
    #: one of Status
    status: Mapped[str] = mapped_column(String(10), default=Status.PENDING.value)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: why it was rejected, in the coordinator's words
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    #: the revision that took it in, and the words taken in (the coordinator may have edited them)
    accepted_revision_number: Mapped[int | None]
    accepted_text: Mapped[str | None] = mapped_column(Text)
    #: the discussion of the suggestion, a comment thread anchored on the same passage
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("comment_thread.id", ondelete="SET NULL"), index=True)

    statement = relationship("Statement")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    thread: Mapped[Thread | None] = relationship()
    supports: Mapped[list["Support"]] = relationship(back_populates="suggestion", cascade="all, delete-orphan",
                                                     order_by="Support.created_at")

    @property
    def group(self):
        return self.statement.group

    @property
    def is_pending(self) -> bool:
        return self.status == Status.PENDING.value

    @property
    def end(self) -> int:
        return self.position + len(self.quote)

    def __repr__(self) -> str:
        return f"<Suggestion {self.id} on statement {self.statement_id} {self.status}>"


class Support(db.Model):
    """A member's support for a suggestion, counted for their organization."""

    __tablename__ = "suggestion_support"

    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestion.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    #: the supporter's organization when they supported (None: they belong to none)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    suggestion: Mapped[Suggestion] = relationship(back_populates="supports")
    user: Mapped[User] = relationship()
    organization: Mapped[Organization | None] = relationship()

    def __repr__(self) -> str:
        return f"<Support {self.user_id} for suggestion {self.suggestion_id}>"
