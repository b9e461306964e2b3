"""The outbox: mail written in the same transaction as the change that causes it."""

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from statements.core.db import UTCDateTime, utcnow
from statements.extensions import db


class OutboxMessage(db.Model):
    """One email waiting to be delivered, or delivered."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    #: pending, sent, failed (gave up after MAX_ATTEMPTS), or discarded (by staff, never to be sent)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    #: when it was discarded or set aside (unknown for those discarded before this was kept)
    discarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the sender delivering it right now, and until when that claim holds: a sender that stops
    #: half-way leaves a claim that lapses, and another sender takes the message again
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: more headers, as a JSON object of name -> value (List-Unsubscribe on notifications)
    headers: Mapped[str | None] = mapped_column(Text)
    #: mail written when it is delivered rather than when it is queued: the name of its writer
    #: (`statements.mail.services.writes_mail`) and the JSON arguments it is written from; both are
    #: cleared once the subject and body are written
    writer: Mapped[str | None] = mapped_column(String(40))
    writer_args: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} to={self.to_address} {self.status}>"
