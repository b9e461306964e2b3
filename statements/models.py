"""Import every model so that the metadata (and Alembic) sees them all."""

from statements.accounts.models import (  # noqa: F401
    EmailChange, Invitation, LoginSession, Membership, Organization, TranslatorGrant, User, WorkingGroup,
)
from statements.audit.models import AuditEvent  # noqa: F401
from statements.comments.models import Comment, Thread  # noqa: F401
from statements.drafts.models import Revision, Statement, Transition  # noqa: F401
from statements.talking_points.models import PointUse, Tag, TalkingPoint, TalkingPointVersion  # noqa: F401
from statements.mail.models import OutboxMessage  # noqa: F401
from statements.signons.models import SignOn  # noqa: F401
from statements.export.models import ExportFile, NetworkSettings  # noqa: F401
from statements.translating.models import TranslatedParagraph  # noqa: F401
from statements.notifications.models import Notification, NotificationPreference, ReminderSent  # noqa: F401
from statements.consent.models import AskedOrganization, ConsentRound, Position  # noqa: F401
from statements.suggestions.models import Suggestion, Support  # noqa: F401
