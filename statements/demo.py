"""Demo data to click through: a working group with members of each role, and organizations."""

from datetime import timedelta

from sqlalchemy import select

from statements.accounts.models import Invitation, Membership, Organization, User, WorkingGroup
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
    _load_talking_points(climate, people)
    _load_statement(climate, people)
    _load_labour_statements(labour, people)
    _load_consent_round(climate, people)
    _load_invitations(climate, people)
    record(None, "demo.loaded", climate, "Loaded the demo data", group_id=climate.id)
    return True


DEMO_POINTS = [
    ("Climate displacement is already happening",
     "Floods, droughts and rising seas forced **more than 20 million people** from their homes in a single year. "
     "Most stay within their own countries.", "climate and displacement", "agreed",
     "Internal displacement report | https://example.org/reports/displacement"),
    ("Regularization protects everyone's wages",
     "When migrant workers can work legally, employers cannot undercut wages by threatening deportation.",
     "labour rights, regularization", "agreed", ""),
    ("Domestic work is work",
     "Domestic workers must have the same protections as every other worker: contracts, rest days, a minimum wage.",
     "labour rights", "proposed", "ILO Convention 189 | https://example.org/c189"),
    ("Planned relocation must be consented",
     "Communities moved because of climate change must be consulted and must agree to where they go.",
     "climate and displacement", "proposed", ""),
    ("Temporary protection is not enough", "Short permits leave people in limbo for years.", "regularization",
     "retired", ""),
]

DEMO_DRAFTS = [
    ("coordinator@example.org", "First draft",
     "# No one left behind\n\nWe, the undersigned organizations, call on governments to protect people displaced "
     "by climate change.\n\nFloods and droughts are forcing families from their homes."),
    ("member@example.org", "Added the demands",
     "# No one left behind\n\nWe, the undersigned organizations, call on governments to protect people displaced "
     "by climate change.\n\nFloods and droughts are forcing families from their homes.\n\n## Our demands\n\n"
     "- Recognize climate displacement in law.\n- Open regular pathways for migration."),
    ("member2@example.org", "Stronger opening",
     "# No one left behind\n\nWe, the undersigned organizations from every continent, call on governments to "
     "protect people displaced by climate change, now.\n\nFloods and droughts are forcing families from their "
     "homes.\n\n## Our demands\n\n- Recognize climate displacement in law.\n- Open regular pathways for migration."),
    ("member@example.org", "Added labour rights",
     "# No one left behind\n\nWe, the undersigned organizations from every continent, call on governments to "
     "protect people displaced by climate change, now.\n\nFloods and droughts are forcing families from their "
     "homes.\n\n## Our demands\n\n- Recognize climate displacement in law.\n- Open regular pathways for migration."
     "\n- Guarantee the right to decent work for everyone who moves."),
]


def _load_talking_points(group: WorkingGroup, people: dict) -> None:
    from statements.talking_points import services as points

    coordinator = people["coordinator@example.org"]
    for index, (title, body, tags, status, sources) in enumerate(DEMO_POINTS):
        author = people["member@example.org" if index % 2 else "member2@example.org"]
        point = points.create_point(author, group, title, body, sources, tags)
        if status != "proposed":
            points.set_status(coordinator, point, status)


def _load_statement(group: WorkingGroup, people: dict) -> None:
    """A statement with a dozen revisions by several members, in its comment period."""
    from statements.drafts import services as drafts

    author, note, text = DEMO_DRAFTS[0]
    statement = drafts.create_statement(people[author], group, "No one left behind: climate displacement and "
                                        "the right to move", "no-one-left-behind", "en",
                                        "A call to protect people displaced by climate change.", text)
    for author, note, text in DEMO_DRAFTS[1:]:
        drafts.save_revision(people[author], statement, statement.latest_number, text, note)
    editors = ["coordinator@example.org", "member@example.org", "member2@example.org"]
    refinements = [
        ("Floods and droughts", "Floods, droughts and rising seas", "Named rising seas"),
        ("families from their homes.", "families from their homes. Most never return.", "Added that most never return"),
        ("Recognize climate displacement in law.", "Recognize climate displacement in national and regional law.",
         "Named regional law"),
        ("Open regular pathways", "Open safe and regular pathways", "Safe and regular"),
        ("for everyone who moves.", "for everyone who moves, whatever their status.", "Whatever their status"),
        ("call on governments", "call on all governments", "All governments"),
        ("## Our demands", "## What we ask", "Friendlier heading"),
        ("now.", "now.\n\nThey are workers, neighbours and members of our communities.", "Added a sentence"),
    ]
    for index, (old, new, note) in enumerate(refinements):
        text = drafts.current_text(statement).replace(old, new, 1)
        drafts.save_revision(people[editors[index % 3]], statement, statement.latest_number, text, note)
    _load_translations(statement, people)
    drafts.transition(people["coordinator@example.org"], statement, "comment_period")
    statement.comment_period_ends_at = _days_from_now(4)
    _load_threads(statement, people)
    _load_suggestions(statement, people)
    _load_signon_statement(group, people)


DEMO_TRANSLATIONS = {
    "es": ("Que nadie se quede atrás: desplazamiento climático y derecho a migrar",
           "# Que nadie se quede atrás\n\nNosotras, las organizaciones firmantes de todos los continentes, pedimos a "
           "todos los gobiernos que protejan ya a las personas desplazadas por el cambio climático.\n\nSon "
           "trabajadoras y trabajadores, vecinas y vecinos, parte de nuestras comunidades.\n\nLas inundaciones, las "
           "sequías y la subida del mar están expulsando a familias de sus hogares. La mayoría nunca regresa.\n\n"
           "## Lo que pedimos\n\n- Reconocer el desplazamiento climático en el derecho nacional y regional.\n"
           "- Abrir vías seguras y regulares para migrar.\n- Garantizar el derecho al trabajo decente para toda "
           "persona que migra, sea cual sea su situación."),
    "fr": ("Ne laisser personne de côté : déplacements climatiques et droit de migrer",
           "# Ne laisser personne de côté\n\nNous, organisations signataires de tous les continents, appelons tous "
           "les gouvernements à protéger dès maintenant les personnes déplacées par le changement climatique.\n\n"
           "Ce sont des travailleuses et des travailleurs, des voisines et des voisins, des membres de nos "
           "communautés.\n\nInondations, sécheresses et montée des eaux chassent des familles de leurs foyers. La "
           "plupart ne reviennent jamais.\n\n## Ce que nous demandons\n\n- Reconnaître les déplacements "
           "climatiques dans le droit national et régional.\n- Ouvrir des voies de migration sûres et régulières."
           "\n- Garantir le droit à un travail décent pour toute personne qui migre, quel que soit son statut."),
}


def _load_translations(statement, people: dict) -> None:
    """A Spanish and a French version; the source then changes one paragraph, which only the Spanish follows."""
    from statements.drafts import services as drafts
    from statements.translating import services as translating

    versions = {}
    for language, (title, text) in DEMO_TRANSLATIONS.items():
        translator = people["member@example.org" if language == "es" else "member2@example.org"]
        version = translating.start_translation(translator, statement, language, title)
        drafts.save_revision(translator, version, version.latest_number, text, "Traducción completa" if
                             language == "es" else "Traduction complète")
        versions[language] = version
    changed = drafts.current_text(statement).replace("Most never return.", "Most never return home.", 1)
    drafts.save_revision(people["member@example.org"], statement, statement.latest_number, changed,
                         "Never return home")
    spanish = versions["es"]
    drafts.save_revision(people["member@example.org"], spanish, spanish.latest_number,
                         drafts.current_text(spanish).replace("La mayoría nunca regresa.",
                                                              "La mayoría nunca vuelve a su hogar.", 1),
                         "Al día con el original")


def _load_threads(statement, people: dict) -> None:
    """Open and resolved threads on the demo statement, on passages and on the whole text."""
    from statements.comments import services as comments
    from statements.drafts import services as drafts

    text, number = drafts.current_text(statement), statement.latest_number
    member, member2 = people["member@example.org"], people["member2@example.org"]
    coordinator, observer = people["coordinator@example.org"], people["observer@example.org"]
    thread = comments.open_thread(member, statement, "Can we cite the displacement figures here?",
                                  "Floods, droughts and rising seas", number, text)
    comments.reply(coordinator, thread, "Yes: @MateusMember, please add the source from our talking points.")
    thread = comments.open_thread(observer, statement, "“Safe and regular” is the wording the Global Compact uses. "
                                  "Good.", "safe and regular pathways", number, text)
    comments.reply(member2, thread, "Agreed, keeping it.")
    comments.resolve(coordinator, thread)
    thread = comments.open_thread(member2, statement, "Should the statement be shorter? Ministries read the first "
                                  "paragraph only.")
    comments.reply(coordinator, thread, "@NgoziMember I would keep it: the summary is what ministries read first.")
    comments.reply(observer, thread, "A short version for social media would help, though.")


def _load_suggestions(statement, people: dict) -> None:
    """Open suggested changes on the demo statement: one supported, two competing for the same words."""
    from statements.drafts import services as drafts
    from statements.suggestions import services as suggestions

    text, number = drafts.current_text(statement), statement.latest_number
    member, member2 = people["member@example.org"], people["member2@example.org"]
    coordinator, observer = people["coordinator@example.org"], people["observer@example.org"]
    supported = suggestions.propose(member2, statement, "Most never return home.", number, text,
                                    "Most can never return home.", "Many cannot return: their land is gone.")
    suggestions.support(observer, supported)
    suggestions.propose(member, statement, "call on all governments", number, text, "urge all governments",
                        "“Urge” is stronger, and what our members say in their own campaigns.")
    suggestions.propose(coordinator, statement, "call on all governments", number, text,
                        "call on all governments and regional bodies",
                        "Regional bodies decide on free movement in Africa and South America.")


def _days_from_now(days: int):
    """A date some days ahead, at noon UTC: demo deadlines stay ahead of whoever loads the demo."""
    from statements.core.db import utcnow

    return (utcnow() + timedelta(days=days)).replace(hour=12, minute=0, second=0, microsecond=0)


LABOUR_TEXT = """# Domestic work is work

Domestic workers care for our homes and families. Many of them are migrants, and most have no contract,
no rest day and no minimum wage.

## We ask every government to

- ratify ILO Convention 189 and apply it to every domestic worker, whatever their status;
- let domestic workers join and form unions;
- inspect working conditions in private homes, with the workers' consent.
"""


def _load_labour_statements(group: WorkingGroup, people: dict) -> None:
    """Labour Rights: a statement whose sign-on has closed, ready to publish, and one in a comment period
    open to the whole network, where a member of another group has commented."""
    from statements.comments import services as comments
    from statements.drafts import services as drafts
    from statements.signons import services as signons

    labour = people["labour@example.org"]
    closed = drafts.create_statement(labour, group, "Domestic work is work", "domestic-work-is-work", "en",
                                     "A call to ratify ILO Convention 189.", LABOUR_TEXT)
    drafts.transition(labour, closed, "final")
    signons.open_signon(labour, closed, None, "UTC", True, "", False)
    signons.close_signon(labour, closed)
    shared = drafts.create_statement(labour, group, "Decent work for people displaced by climate change",
                                     "decent-work-climate", "en", "Labour rights for people who move.",
                                     "# Decent work for people displaced by climate change\n\nPeople who move "
                                     "because of climate change must be able to work legally, with the same "
                                     "rights as every other worker.")
    drafts.transition(labour, shared, "comment_period")
    shared.comment_period_ends_at, shared.open_to_network = _days_from_now(9), True
    comments.open_thread(people["member2@example.org"], shared, "From Climate and Displacement: could we name "
                         "planned relocation too?")


EARLY_WARNING_TEXT = """# Early warnings must reach everyone

Warnings of floods and storms reach too few of the people most at risk. We call on governments to send
every warning in the languages people speak, by text message and by radio, and to include people living
in informal settlements and camps in every evacuation plan.
"""


def _load_consent_round(group: WorkingGroup, people: dict) -> None:
    """Climate and Displacement: a statement made final after a consent round of four organizations: two
    support, one supports with concerns, one did not answer."""
    from statements.consent import services as consent
    from statements.drafts import services as drafts

    coordinator = people["coordinator@example.org"]
    statement = drafts.create_statement(coordinator, group, "Early warnings must reach everyone", "early-warnings",
                                        "en", "Warnings in every language, for every settlement.",
                                        EARLY_WARNING_TEXT)
    asked = [people[email].organization.id for email in ("coordinator@example.org", "member@example.org",
                                                          "member2@example.org", "observer@example.org")]
    round_ = consent.open_round(coordinator, statement, asked, _days_from_now(3))
    consent.record_position(coordinator, round_, "support", "")
    consent.record_position(people["member@example.org"], round_, "concerns",
                            "Radio is not enough in the camps we work in: please name community loudspeakers.")
    consent.record_position(people["member2@example.org"], round_, "support", "Agreed, thank you.")
    drafts.transition(coordinator, statement, "final")


def _load_invitations(group: WorkingGroup, people: dict) -> None:
    """An invitation not yet accepted, and one that expired unanswered."""
    from statements.core.db import utcnow

    staff = people["admin@example.org"]
    for email, expires in (("new.member@example.org", 10), ("late.reply@example.org", -3)):
        db.session.add(Invitation(email=email, email_normalized=email, group=group, role=Role.MEMBER.value,
                                  invited_by=staff, created_at=utcnow() + timedelta(days=expires - 14),
                                  expires_at=utcnow() + timedelta(days=expires)))


SIGNON_TEXT = """# Loss and damage finance must reach the people who move

Climate change already forces millions of people from their homes. The new loss and damage fund
must support them: people who move within their countries and across borders alike.

## We call on the fund's board to

- set aside a share of every disbursement for displaced and relocated communities;
- let community organizations apply directly, without going through national governments;
- report every year on how much reached people who moved.
"""

#: the sign-on statement's versions, made final in step with it: readers and signers can use either
SIGNON_TRANSLATIONS = {
    "es": ("La financiación de pérdidas y daños debe llegar a las personas que se desplazan",
           "Un llamado a la junta del fondo de pérdidas y daños.",
           """# La financiación de pérdidas y daños debe llegar a las personas que se desplazan

El cambio climático ya obliga a millones de personas a dejar sus hogares. El nuevo fondo de pérdidas y daños
debe apoyarlas: tanto a quienes se desplazan dentro de su país como a quienes cruzan fronteras.

## Pedimos a la junta del fondo que

- reserve una parte de cada desembolso para las comunidades desplazadas y reubicadas;
- permita que las organizaciones comunitarias presenten solicitudes directamente, sin pasar por los gobiernos nacionales;
- informe cada año de cuánto llegó a las personas que se desplazaron.
"""),
    "ar": ("يجب أن يصل تمويل الخسائر والأضرار إلى الناس الذين يتنقلون",
           "نداء إلى مجلس صندوق الخسائر والأضرار.",
           """# يجب أن يصل تمويل الخسائر والأضرار إلى الناس الذين يتنقلون

يُجبر تغيّر المناخ ملايين الناس على ترك بيوتهم. على صندوق الخسائر والأضرار الجديد أن يدعمهم:
من يتنقلون داخل بلدانهم ومن يعبرون الحدود على حدّ سواء.

## ندعو مجلس الصندوق إلى

- تخصيص حصة من كل صرف للمجتمعات النازحة والمُعاد توطينها؛
- السماح للمنظمات المجتمعية بالتقدم بطلباتها مباشرة، دون المرور بالحكومات الوطنية؛
- الإبلاغ كل عام عن المبالغ التي وصلت إلى الناس الذين تنقّلوا.
"""),
}

_NAME_PARTS = (["Women's", "Migrant", "Domestic Workers'", "Climate", "Coastal", "Rural", "Youth", "Indigenous",
                "Garment Workers'", "Farmworkers'", "Fisherfolk", "Urban Poor"],
               ["Network", "Union", "Alliance", "Collective", "Association", "Forum", "Coalition", "Centre",
                "Federation", "Solidarity Group"])
_COUNTRIES = ["BD", "PH", "KE", "GT", "MX", "NG", "IN", "FJ", "SN", "BR", "TR", "PL", "VN", "ZA", "CO", "ID",
              "NP", "PK", "HN", "UG", "DE", "ES", "FR", "GB", "US", "CA", "AU", "PY"]
_TYPES = ["ngo", "union", "grassroots", "network", "womens", "migrant", "faith", "research"]


def _load_signon_statement(group: WorkingGroup, people: dict) -> None:
    """A final statement with sign-on open and a few hundred sign-ons in every state."""
    import random

    from statements.core.db import utcnow
    from statements.drafts import services as drafts
    from statements.signons import services as signons
    from statements.signons.models import SignOn, SignOnStatus, Visibility

    coordinator = people["coordinator@example.org"]
    statement = drafts.create_statement(coordinator, group, "Loss and damage finance must reach the people who move",
                                        "loss-and-damage", "en", "A call to the loss and damage fund's board.",
                                        SIGNON_TEXT)
    drafts.transition(coordinator, statement, "final")
    signons.open_signon(coordinator, statement, _days_from_now(6), "UTC", True, "", False)
    _load_signon_translations(statement, people)
    rng = random.Random(2026)
    names = set()
    while len(names) < 320:
        names.add(f"{rng.choice(_NAME_PARTS[0])} {rng.choice(_NAME_PARTS[1])} of {rng.choice(_PLACES)}")
    statuses = [SignOnStatus.APPROVED] * 280 + [SignOnStatus.CONFIRMED] * 25 + [SignOnStatus.PENDING] * 15
    for index, (name, status) in enumerate(zip(sorted(names), statuses)):
        country = rng.choice(_COUNTRIES)
        signon = SignOn(statement_id=statement.id, revision_id=statement.final_revision_id, authorized=True,
                        status=status.value, source="form", confirm_nonce=f"demo{index}", withdraw_nonce=f"w{index}",
                        created_at=utcnow() - timedelta(days=rng.randrange(0, 21), minutes=rng.randrange(0, 1440)))
        signons._fill(signon, {"organization_name": name, "country": country, "org_type": rng.choice(_TYPES),
                               "contact_name": "Demo Contact", "contact_email": f"contact{index}@example.net",
                               "visibility": Visibility.NAMED.value if index % 17 else Visibility.COUNTRY_ONLY.value,
                               "website": None, "consent_to_contact": index % 3 == 0})
        if status != SignOnStatus.PENDING:
            signon.confirmed_at = signon.created_at
        if status == SignOnStatus.APPROVED:
            signon.approved_at = signon.created_at
        db.session.add(signon)
    db.session.flush()
    # a likely duplicate for staff to look at: the same organization spelled another way
    first = db.session.scalar(select(SignOn).where(SignOn.statement_id == statement.id).order_by(SignOn.id))
    twin = SignOn(statement_id=statement.id, revision_id=statement.final_revision_id, authorized=True,
                  status=SignOnStatus.CONFIRMED.value, source="form", confirm_nonce="twin", withdraw_nonce="twin")
    signons._fill(twin, {"organization_name": first.organization_name.replace(" of ", " in "),
                         "country": first.country, "org_type": first.org_type, "contact_name": "Someone Else",
                         "contact_email": "other@example.net"})
    signons.flag_if_duplicate(statement, twin)
    db.session.add(twin)


def _load_signon_translations(statement, people: dict) -> None:
    """A Spanish and an Arabic version of the sign-on statement, final: public beside it."""
    from statements.drafts import services as drafts
    from statements.translating import services as translating

    translator = people["member@example.org"]
    for language, (title, summary, text) in SIGNON_TRANSLATIONS.items():
        version = translating.start_translation(translator, statement, language, title)
        version.summary = summary
        drafts.save_revision(translator, version, version.latest_number, text,
                             "Traducción completa" if language == "es" else "ترجمة كاملة")
        drafts.transition(people["coordinator@example.org"], version, "final")


_PLACES = ["Dhaka", "Manila", "Nairobi", "Quetzaltenango", "Oaxaca", "Lagos", "Chennai", "Suva", "Dakar", "Recife",
           "Izmir", "Kraków", "Huế", "Durban", "Cali", "Makassar", "Pokhara", "Karachi", "Tegucigalpa", "Gulu",
           "Asunción", "Chittagong", "Cebu", "Mombasa"]
