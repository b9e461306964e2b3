"""Demo data to click through: a working group with members of each role, and organizations."""

from sqlalchemy import select

from statements.accounts.models import Membership, Organization, User, WorkingGroup
from statements.audit.services import record
from statements.core.policy import Role
from statements.extensions import db

DEMO_PASSWORD = "demo-password"

#: (email, name, what they are), printed for whoever runs the demo
DEMO_PEOPLE = [
    ("admin@example.org", "Amina Staff", "network staff"),
    ("coordinator@example.org", "Carmen Coordinator", "coordinator, Climate and Displacement"),
    ("member@example.org", "Mateus Member", "member, Climate and Displacement"),
    ("member2@example.org", "Ngozi Member", "member, Climate and Displacement"),
    ("observer@example.org", "Olga Observer", "observer, Climate and Displacement"),
    ("labour@example.org", "Lin Labour", "coordinator, Labour Rights"),
]

DEMO_ORGANIZATIONS = [
    ("Asociación de Trabajadoras del Hogar", "GT", "union", "https://example.org/ath"),
    ("Kadın Emeği Kolektifi", "TR", "womens", None),
    ("Związek Pracowników Migrujących", "PL", "migrant", "https://example.org/zpm"),
    ("Phụ nữ Vì Khí hậu", "VN", "grassroots", None),
    ("Ñandutí Climate Network", "PY", "network", "https://example.org/nandutí"),
    ("Pacific Displacement Research Centre", "FJ", "research", None),
]

DEMO_GROUPS = [
    ("Climate and Displacement", "People forced from their homes by climate change: protection, regularization, "
                                 "and loss and damage."),
    ("Labour Rights", "Decent work, domestic workers' rights and migrant workers' organizing."),
]


def load_demo() -> bool:
    """Create the demo data once; return False when it was already there."""
    if db.session.scalar(select(User).where(User.email_normalized == DEMO_PEOPLE[0][0])) is not None:
        return False
    organizations = [Organization(name=n, country=c, org_type=t, website=w) for n, c, t, w in DEMO_ORGANIZATIONS]
    db.session.add_all(organizations)
    climate, labour = (WorkingGroup(name=n, description=d) for n, d in DEMO_GROUPS)
    db.session.add_all([climate, labour])
    people = {}
    for index, (email, name, _) in enumerate(DEMO_PEOPLE):
        user = User(display_name=name, is_admin=(index == 0), organization=organizations[index % len(organizations)])
        user.set_email(email)
        user.set_password(DEMO_PASSWORD)
        people[email] = user
    db.session.add_all(people.values())
    memberships = [
        ("coordinator@example.org", climate, Role.COORDINATOR),
        ("member@example.org", climate, Role.MEMBER),
        ("member2@example.org", climate, Role.MEMBER),
        ("observer@example.org", climate, Role.OBSERVER),
        ("labour@example.org", labour, Role.COORDINATOR),
        ("member@example.org", labour, Role.OBSERVER),
    ]
    db.session.add_all(Membership(user=people[e], group=g, role=r.value) for e, g, r in memberships)
    db.session.flush()
    record(None, "demo.loaded", climate, "Loaded the demo data", group_id=climate.id)
    return True
