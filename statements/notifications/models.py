"""A notification per person per event, each person's choice of how to hear of each kind, and the
reminders already sent."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from statements.accounts.models import User
from statements.core.db import UTCDateTime, utcnow
from statements.extensions import db


class Notification(db.Model):
    """Something that happened which one person should hear of."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_created", "user_id", "created_at"),
        # the digest reads only the rows still waiting for it, whatever the size of the history
        Index("ix_notification_digest_pending_user", "digest_pending", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    #: one of statements.notifications.kinds.KINDS
    kind: Mapped[str] = mapped_column(String(32))
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"), index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("comment_thread.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: the date the event is about: when the comment period ends, when sign-on closes
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: how many events the row stands for (sign-ons waiting, revisions saved): batched kinds keep one row a day
    count: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: True while the row waits for its person's next daily digest
    digest_pending: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    statement = relationship("Statement")
    thread = relationship("Thread")
    comment = relationship("Comment")

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} user={self.user_id} statement={self.statement_id}>"


class NotificationPreference(db.Model):
    """How a person wants to hear of one kind of notification, when not the kind's default."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: now (a mail at once), digest (in the daily digest) or off (no mail; still listed in the app)
    choice: Mapped[str] = mapped_column(String(10))

    def __repr__(self) -> str:
        return f"<NotificationPreference user={self.user_id} {self.kind}={self.choice}>"


class ReminderSent(db.Model):
    """A reminder about a date that went out, so that each goes out once however often the clock ticks."""

    __tablename__ = "reminder_sent"

    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: the date reminded of: a new date is reminded of again
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<ReminderSent {self.statement_id} {self.kind} {self.due_at}>"
