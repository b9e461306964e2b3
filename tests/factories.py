"""Factories: build people, groups and organizations the way the service stores them."""

from dataclasses import dataclass
from itertools import count

from datetime import timedelta

from statements.accounts.models import Invitation, Membership, Organization, TranslatorGrant, User, WorkingGroup
from statements.comments import services as comments
from statements.core.db import utcnow
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.export.models import ExportFile
from statements.mail.models import OutboxMessage
from statements.signons import services as signons
from statements.talking_points import services as talking_points
from statements.core.policy import Role
from statements.extensions import db

PASSWORD = "correct horse battery"
_sequence = count(1)


def make_user(email: str | None = None, name: str | None = None, admin: bool = False,
              password: str = PASSWORD) -> User:
    number = next(_sequence)
    user = User(display_name=name or f"Person {number}", is_admin=admin)
    user.set_email(email or f"person{number}@example.org")
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def make_group(name: str | None = None) -> WorkingGroup:
    group = WorkingGroup(name=name or f"Group {next(_sequence)}", description="")
    db.session.add(group)
    db.session.flush()
    return group


def make_membership(user: User, group: WorkingGroup, role: Role) -> Membership:
    membership = Membership(user=user, group=group, role=role.value)
    db.session.add(membership)
    db.session.flush()
    return membership


def make_organization(name: str = "Asociación de Trabajadoras del Hogar", country: str = "GT",
                      org_type: str = "union") -> Organization:
    organization = Organization(name=name, country=country, org_type=org_type)
    db.session.add(organization)
    db.session.flush()
    return organization


@dataclass
class World:
    """Ids of a small network: who is who, and where."""

    group_id: int
    other_group_id: int
    emails: dict  # role name -> email
    membership_ids: dict  # role name -> membership id in the home group
    organization_id: int
    user_ids: dict  # role name -> user id
    invitation_id: int  # a pending invitation to the home group
    statement_id: int  # a draft in the home group, with two revisions
    point_id: int  # a proposed talking point of the home group
    thread_id: int  # a thread opened by the member on a passage of the statement
    comment_id: int  # the member's first comment in that thread
    signon_slug: str  # a final statement of the home group with sign-on open
    export_id: int  # a PDF export of the draft statement, not made yet
    # filled by add_translator:
    translation_id: int = 0  # the statement's Spanish translation
    translation_thread_id: int = 0  # a thread the translator opened on it
    translation_comment_id: int = 0  # the translator's first comment in that thread
    grant_id: int = 0  # the translator's access to the Spanish translation
    # filled by add_suggestion:
    suggestion_id: int = 0  # the member's pending suggestion on a passage of the statement


def build_world() -> World:
    home, other = make_group("Climate and Displacement"), make_group("Labour Rights")
    emails, membership_ids, user_ids = {}, {}, {}
    for role in (Role.COORDINATOR, Role.MEMBER, Role.OBSERVER):
        user = make_user(f"{role.value}@example.org", f"{role.label} Person")
        membership_ids[role.value] = make_membership(user, home, role).id
        emails[role.value], user_ids[role.value] = user.email, user.id
    admin = make_user("admin@example.org", "Admin Person", admin=True)
    emails["admin"], user_ids["admin"] = admin.email, admin.id
    outsider = make_user("outsider@example.org", "Outsider Person")
    make_membership(outsider, other, Role.COORDINATOR)
    emails["outsider"], user_ids["outsider"] = outsider.email, outsider.id
    organization = make_organization()
    invitation = Invitation(email="invitee@example.org", email_normalized="invitee@example.org", group=home,
                            role=Role.MEMBER.value, invited_by_id=admin.id, expires_at=utcnow() + timedelta(days=7))
    db.session.add(invitation)
    coordinator = db.session.get(User, user_ids["coordinator"])
    statement = make_statement(coordinator, home, "Climate displacement needs protection",
                               ["People displaced by climate change need protection.",
                                "People displaced by climate change need legal protection now."])
    point = talking_points.create_point(coordinator, home, "Regularization works",
                                        "Regularization protects workers.", "", "regularization")
    member = db.session.get(User, user_ids["member"])
    text = drafts.current_text(statement)
    thread = comments.open_thread(member, statement, "Should this say *legal*?", "legal protection",
                                  statement.latest_number, text)
    open_statement = make_open_statement(coordinator, home)
    export = ExportFile(statement_id=statement.id, cache_key=f"{statement.id}:pdf:test", kind="pdf")
    db.session.add(export)
    db.session.commit()
    return World(home.id, other.id, emails, membership_ids, organization.id, user_ids, invitation.id,
                 statement.id, point.id, thread.id, thread.comments[0].id, open_statement.slug, export.id)


def add_translator(world: World) -> World:
    """Give the world a Spanish translation of its statement, a person invited to translate it (role
    "translator", in no group) and a thread that person opened on it."""
    from statements.translating import services as translating

    statement = db.session.get(Statement, world.statement_id)
    coordinator = db.session.get(User, world.user_ids["coordinator"])
    translator = make_user("translator@example.org", "Traductora Invitada")
    grant = TranslatorGrant(statement_id=statement.id, language="es", user=translator, invited_by_id=coordinator.id)
    db.session.add(grant)
    translation = translating.start_translation(coordinator, statement, "es", "El desplazamiento climático")
    drafts.save_revision(coordinator, translation, 1, "Las personas desplazadas por el clima necesitan protección.",
                         "Primera versión")
    thread = comments.open_thread(translator, translation, "¿*Necesitan* o *merecen*?", None,
                                  translation.latest_number, None)
    db.session.commit()
    world.emails["translator"], world.user_ids["translator"] = translator.email, translator.id
    world.translation_id, world.grant_id = translation.id, grant.id
    world.translation_thread_id, world.translation_comment_id = thread.id, thread.comments[0].id
    return world


def add_suggestion(world: World) -> World:
    """Give the world a pending suggestion by the member on the words "legal protection" of its statement."""
    from statements.suggestions import services as suggestions

    statement = db.session.get(Statement, world.statement_id)
    member = db.session.get(User, world.user_ids["member"])
    suggestion = suggestions.propose(member, statement, "legal protection", statement.latest_number,
                                     drafts.current_text(statement), "legal and social protection",
                                     "Legal protection alone leaves people without housing.")
    db.session.commit()
    world.suggestion_id = suggestion.id
    return world


def add_failed_mail(to_address: str = "unreachable@example.net", subject: str = "Your sign-on is confirmed",
                    attempts: int = 8, error: str = "ConnectionRefusedError: [Errno 111] Connection refused",
                    status: str = "failed", **values) -> int:
    """An email the outbox gave up on (or, with status "pending", is still retrying); return its id."""
    message = OutboxMessage(to_address=to_address, subject=subject, body_text="Hello.", status=status,
                            attempts=attempts, last_error=error, **values)
    db.session.add(message)
    db.session.commit()
    return message.id


def make_open_statement(coordinator: User, group: WorkingGroup, title: str = "Loss and damage for people who move",
                        requires_approval: bool = True) -> Statement:
    """A statement frozen as final with sign-on open."""
    statement = drafts.create_statement(coordinator, group, title, "", "en", "A call to the fund.",
                                        "# Loss and damage\n\nThe fund must reach people who move.")
    drafts.transition(coordinator, statement, "final")
    signons.open_signon(coordinator, statement, None, "UTC", requires_approval, "", False)
    return statement


def make_statement(author: User, group: WorkingGroup, title: str, texts: list[str]) -> Statement:
    """Open a statement whose revisions have the given texts, in order."""
    statement = drafts.create_statement(author, group, title, "", "en", "", texts[0])
    for number, text in enumerate(texts[1:], start=1):
        drafts.save_revision(author, statement, number, text, f"Edit {number}")
    return statement


def add_waiting_signon(world: World, name: str = "Red de Mujeres Migrantes") -> int:
    """A confirmed sign-on, waiting for approval, on the home group's open statement; return its id."""
    from tests.signons.pages import add_signon, statement_by_slug

    signon = add_signon(statement_by_slug(world.signon_slug), name, "GT", "confirmed")
    db.session.commit()
    return signon.id


class _FieldHolding:
    """What a WTForms validator reads of a field: its data, and gettext for its messages."""

    def __init__(self, data):
        self.data = data

    @staticmethod
    def gettext(text):
        return text


def refusal_of(check, data) -> str | None:
    """Run a WTForms validator on a field holding `data`: the message it refuses it with, or None when it takes it."""
    from wtforms.validators import ValidationError

    try:
        check(None, _FieldHolding(data))
    except ValidationError as refusal:
        return str(refusal)
    return None
