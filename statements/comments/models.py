"""Comment threads on a statement, general or anchored to a passage, and their comments."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from statements.accounts.models import User
from statements.core.db import UTCDateTime, utcnow
from statements.extensions import db

BODY_MAX = 20_000
QUOTE_MAX = 2_000


class Thread(db.Model):
    """A discussion about a statement, or about a passage of it."""

    __tablename__ = "comment_thread"
    __table_args__ = (Index("ix_comment_thread_statement_resolved", "statement_id", "resolved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the words commented on as first quoted, and in which revision; None for a general thread
    original_quote: Mapped[str | None] = mapped_column(String(QUOTE_MAX))
    original_revision: Mapped[int | None]
    #: where the passage stands now: exact, fuzzy (found close by, see similarity), or removed
    anchor_status: Mapped[str | None] = mapped_column(String(10))
    anchor_revision: Mapped[int | None]
    quote: Mapped[str | None] = mapped_column(String(QUOTE_MAX))
    prefix: Mapped[str | None] = mapped_column(String(100))
    suffix: Mapped[str | None] = mapped_column(String(100))
    position: Mapped[int | None]
    #: 0 to 1: how close the passage found is to the words first quoted
    similarity: Mapped[float | None]
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    # loaded with the threads: every list of threads names who started each
    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="selectin")
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    statement = relationship("Statement")
    comments: Mapped[list["Comment"]] = relationship(back_populates="thread", order_by="Comment.id",
                                                     cascade="all, delete-orphan")

    @property
    def group(self):
        return self.statement.group

    @property
    def is_anchored(self) -> bool:
        return self.original_quote is not None

    def __repr__(self) -> str:
        return f"<Thread {self.id} on statement {self.statement_id}>"


class Comment(db.Model):
    """One message in a thread. Deleting leaves a trace; editing is marked."""

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("comment_thread.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    thread: Mapped[Thread] = relationship(back_populates="comments")
    # loaded with the comments: every page that shows a comment names its author
    author: Mapped[User | None] = relationship(lazy="selectin")

    @property
    def group(self):
        return self.thread.statement.group

    def __repr__(self) -> str:
        return f"<Comment {self.id} in thread {self.thread_id}>"


class Mention(db.Model):
    """A person named with @ in a comment: found on their to-do list and told of it."""

    __tablename__ = "comment_mention"

    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)


class ThreadRead(db.Model):
    """How far a person has read a thread: the last comment there when they last opened it."""

    __tablename__ = "thread_read"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("comment_thread.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    last_comment_id: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
