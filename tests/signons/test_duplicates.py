"""The same organization signing twice: the name rules on their own, then through the form, also at the same moment."""

import re
import threading

import pytest
from sqlalchemy.exc import IntegrityError

from statements.core.db import utcnow
from statements.extensions import db
from statements.signons import duplicates, services
from statements.signons.duplicates import Signature, acronym, email_domain, email_key, fold, likely_same, name_key
from statements.signons.models import SignOn, SignOnStatus
from tests.signons.pages import confirmation, plain, sign, signon_named, signons, statement_by_slug, text_of

ORG = "Asociación de Trabajadoras del Hogar"


# --- the rules, without Flask ---------------------------------------------------------------------


def test_similar_names_are_judged_exactly_as_difflib_judges_them():
    """`similar` skips building a matcher for pairs that cannot reach the ratio; its answer stays difflib's."""
    import random
    from difflib import SequenceMatcher

    def by_difflib(a: str, b: str) -> bool:
        return SequenceMatcher(None, a, b).ratio() >= duplicates.SIMILAR_NAME_RATIO

    rng, agreed = random.Random(7), 0
    for _ in range(20000):
        a = "".join(rng.choice("abcde ") for _ in range(rng.randrange(0, 25)))
        b = list(a)
        for _ in range(rng.randrange(0, 4)):  # a few letters dropped, added or changed
            at = rng.randrange(len(b) + 1)
            if rng.random() < 0.5 and at < len(b):
                del b[at]
            else:
                b.insert(at, rng.choice("abcdef "))
        b = "".join(b)
        assert duplicates.similar(a, b) == by_difflib(a, b), (a, b)
        agreed += by_difflib(a, b)
    assert 1000 < agreed < 19000  # both answers were met many times

@pytest.mark.parametrize("spelling", [
    "asociacion de trabajadoras del hogar",  # case and accents
    "ASOCIACIÓN DE TRABAJADORAS DEL HOGAR",
    "Asociación  de Trabajadoras del Hogar.",  # spaces and punctuation
    "Asociación-de-Trabajadoras (del Hogar)",
    "Asociación de Trabajadoras del Hogar, A.C.",  # legal suffixes, with or without dots
    "Asociación de Trabajadoras del Hogar AC",
    "Asociación de Trabajadoras del Hogar Inc.",
    "Asociación de Trabajadoras del Hogar, Ltd",
    "The Asociación de Trabajadoras del Hogar",  # a leading "The"
    "Asociación de Trabajadoras del Hogar ONG Ltd.",
    "Asociacio\u0301n de Trabajadoras del Hogar",  # the accent typed as a combining mark
])
def test_spellings_of_one_name_share_a_key(spelling):
    assert name_key(spelling) == name_key(ORG) == "asociacion de trabajadoras del hogar"


@pytest.mark.parametrize("one, other", [
    ("Frauenhaus Berlin e.V.", "Frauenhaus Berlin"),
    ("Frauenhaus Berlin e. V.", "FRAUENHAUS BERLIN EV"),
    ("Mujeres en Movimiento S.A.", "Mujeres en Movimiento"),
    ("Red Migrante N.G.O.", "Red Migrante"),
    ("The Other Foundation gGmbH", "Other Foundation"),
])
def test_legal_forms_written_with_dots_are_dropped_like_the_others(one, other):
    assert name_key(one) == name_key(other)


@pytest.mark.parametrize("one, other", [
    ("Migrant Workers Union", "Migrant Workers Unity"),
    ("Women of the U.S.", "Women of the"),  # initials that are not a legal form stay
    ("The", "Th"),
    ("Sección A", "Sección"),
    ("Kenya Domestic Workers Union", "Uganda Domestic Workers Union"),
])
def test_different_names_keep_different_keys(one, other):
    assert name_key(one) != name_key(other)


def test_a_name_that_is_only_the_or_a_suffix_keeps_a_key():
    assert name_key("The") == "the"
    assert name_key("Ltd") == ""  # the service then keys it by its folded name
    assert fold("  Ñandutí — Red   de Mujeres ") == "nanduti red de mujeres"


def test_acronyms_are_the_initials_of_the_significant_words():
    assert acronym("Migrant Workers Union") == "mwu"
    assert acronym("Red de Mujeres del Sur") == "rms"
    assert acronym("The Migrant Workers Union Ltd.") == "mwu"
    assert acronym("Oxfam") == ""  # one word has no acronym


def test_email_keys_ignore_case_dots_and_tags_and_public_domains_are_not_an_organization():
    assert email_key("Maria.Lopez+signon@Gmail.com") == email_key("marialopez@googlemail.com") == \
        "marialopez@gmail.com"
    assert email_domain("info@Trabajadoras.org.gt ") == "trabajadoras.org.gt"
    assert email_domain("someone@gmail.com") is None and email_domain("someone@riseup.net") is None


@pytest.mark.parametrize("a, b, reason", [
    (("Migrant Workers Union", "info@mwu.example.org"), ("MWU", "maria@gmail.com"),
     "one name is the acronym of the other"),
    (("M.W.U.", "maria@gmail.com"), ("Migrant Workers' Union", "info@mwu.example.org"),
     "one name is the acronym of the other"),
    (("Red de Mujeres", "maria.lopez+red@gmail.com"), ("Casa del Migrante", "MariaLopez@gmail.com"),
     "the same contact email"),
    (("Red de Mujeres", "ana@redmujeres.example.mx"), ("Mujeres en Red", "luz@RedMujeres.example.mx"),
     "the same email domain (redmujeres.example.mx)"),
    (("Asociacion de Trabajadoras del Hogar", "a@one.example.net"),
     ("Asociación de Trabajadores del Hogar", "b@two.example.net"), "very similar names"),
    (("Kenya Domestic Workers Union", "a@one.example.net"), ("Kenya Domestic Worker Union", "b@gmail.com"),
     "very similar names"),
])
def test_likely_matches_say_why(a, b, reason):
    assert likely_same(Signature(*a), Signature(*b)) == reason
    assert likely_same(Signature(*b), Signature(*a)) == reason
    # as the form's check compares them: on the keys stored with each sign-on
    stored_a, stored_b = stored_keys(*a), stored_keys(*b)
    assert stored_a == duplicates.Keys.of(Signature(*a)) and stored_b == duplicates.Keys.of(Signature(*b))
    assert duplicates.likely_same_keys(stored_a, stored_b) == reason
    assert duplicates.likely_same_keys(stored_b, stored_a) == reason


def stored_keys(name: str, email: str) -> duplicates.Keys:
    """The keys a sign-on from the form is stored with, which the duplicate check compares."""
    signon = SignOn()
    services._fill(signon, {"organization_name": name, "contact_email": email, "country": "GT", "org_type": "ngo",
                            "contact_name": "Ana"})
    return duplicates.Keys(signon.name_key, signon.email_key, signon.email_domain, signon.acronym)


@pytest.mark.parametrize("a, b", [
    (("Red de Mujeres", "ana@gmail.com"), ("Casa del Migrante", "luz@gmail.com")),  # a public mail domain
    (("Red de Mujeres", "ana@riseup.net"), ("Casa del Migrante", "luz@riseup.net")),
    (("Kenya Domestic Workers Union", "a@kdwu.example.net"), ("Uganda Land Alliance", "b@ula.example.net")),
    (("Migrant Workers Union", "a@one.example.net"), ("MWA", "b@two.example.net")),
])
def test_different_organizations_are_not_flagged(a, b):
    assert likely_same(Signature(*a), Signature(*b)) is None


# --- through the form -------------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", [
    "asociacion de trabajadoras del hogar", "Asociación de Trabajadoras del Hogar, A.C.",
    "The Asociación de Trabajadoras del Hogar", "ASOCIACIÓN-DE-TRABAJADORAS DEL HOGAR!",
])
def test_signing_again_under_another_spelling_is_kept_apart_and_flagged_as_the_same_name(app, client, world,
                                                                                         spelling):
    assert sign(client, world.signon_slug).status_code == 302
    response = sign(client, world.signon_slug, organization_name=spelling, contact_email="otra@example.net",
                    country="MX", message="Firmamos de nuevo")
    assert response.status_code == 302  # the same answer as any sign-on: the form tells nobody who signed
    with app.app_context():
        first, second = signons()
        assert (first.organization_name, second.organization_name) == (ORG, spelling)
        assert second.status == "pending"  # each waits for its own confirmation: the first to confirm wins
        assert second.possible_duplicate_of_id == first.id and second.duplicate_reason == "the same name"


def test_a_rejected_sign_on_does_not_block_signing_again(app, client, world):
    sign(client, world.signon_slug)
    with app.app_context():
        signons()[0].status = "rejected"
        db.session.commit()
    assert sign(client, world.signon_slug).status_code == 302
    with app.app_context():
        assert [s.status for s in signons()] == ["rejected", "pending"]


@pytest.mark.parametrize("first, second, reason", [
    ({"organization_name": "Migrant Workers Union", "contact_email": "info@mwu.example.org"},
     {"organization_name": "MWU", "contact_email": "secretaria@gmail.com"}, "one name is the acronym of the other"),
    ({"organization_name": "MWU", "contact_email": "secretaria@gmail.com"},
     {"organization_name": "Migrant Workers Union", "contact_email": "info@mwu.example.org"},
     "one name is the acronym of the other"),
    ({"organization_name": "Red de Mujeres", "contact_email": "maria.lopez@gmail.com"},
     {"organization_name": "Casa de la Mujer", "contact_email": "MariaLopez+casa@gmail.com"},
     "the same contact email"),
    ({"organization_name": "Red de Mujeres", "contact_email": "ana@redmujeres.example.mx"},
     {"organization_name": "Mujeres en Red", "contact_email": "luz@redmujeres.example.mx"},
     "the same email domain (redmujeres.example.mx)"),
    ({"organization_name": "Kenya Domestic Workers Union", "contact_email": "a@kdwu.example.net"},
     {"organization_name": "Kenya Domestic Worker Union", "contact_email": "b@gmail.com"}, "very similar names"),
])
def test_likely_duplicates_are_stored_flagged_when_confirmed_and_shown_side_by_side_to_staff(
        app, client, make_client, world, mailbox, first, second, reason):
    assert sign(client, world.signon_slug, **first).status_code == 302
    assert sign(client, world.signon_slug, **second).status_code == 302  # not refused: a person decides
    with app.app_context():
        assert [s.possible_duplicate_of_id for s in signons()] == [None, None]  # compared once confirmed
    client.submit(mailbox.link_in(confirmation(mailbox, second["contact_email"]), "/confirm/"))
    with app.app_context():
        earlier, later = signons()
        assert (earlier.status, later.status) == ("pending", "confirmed")
        assert earlier.possible_duplicate_of_id is None
        assert later.possible_duplicate_of_id == earlier.id and later.duplicate_reason == reason
        statement_id = statement_by_slug(world.signon_slug).id

    staff = make_client()
    staff.login(world.emails["admin"])
    page = text_of(staff.get(f"/statements/{statement_id}/signons?status=all&flagged=1"))
    words = plain(page)
    assert page.count('class="duplicate-pair') == 1
    assert f"Possible duplicate : {reason}." in words  # (the words without their tags)
    pair = plain(page.split('class="duplicate-pair', 1)[1].split("</li>", 1)[0])
    this, earlier = pair.split("This sign-on", 1)[1].split("Earlier sign-on (waiting for email confirmation)")
    for side, signed in ((this, second), (earlier, first)):
        assert side.startswith(f" {signed['organization_name']} Guatemala ")
        assert signed["contact_email"] in side


def test_organizations_sharing_a_public_mail_provider_are_not_flagged(app, client, world, mailbox):
    sign(client, world.signon_slug, organization_name="Red de Mujeres", contact_email="ana@gmail.com")
    sign(client, world.signon_slug, organization_name="Casa del Migrante", contact_email="luz@gmail.com")
    for email in ("ana@gmail.com", "luz@gmail.com"):
        client.submit(mailbox.link_in(confirmation(mailbox, email), "/confirm/"))
    with app.app_context():
        assert [(s.status, s.possible_duplicate_of_id) for s in signons()] == [("confirmed", None)] * 2


def test_a_look_alike_is_flagged_against_the_earlier_sign_on_whichever_confirms_first(app, client, world, mailbox):
    sign(client, world.signon_slug, organization_name="Migrant Workers Union", contact_email="info@mwu.example.org")
    sign(client, world.signon_slug, organization_name="MWU", contact_email="secretaria@gmail.com")
    for email in ("secretaria@gmail.com", "info@mwu.example.org"):  # the later one confirms first
        client.submit(mailbox.link_in(confirmation(mailbox, email), "/confirm/"))
    with app.app_context():
        earlier, later = signons()
        assert (earlier.status, later.status) == ("confirmed", "confirmed")
        assert earlier.possible_duplicate_of_id is None  # never pointed at a later one: one pair, shown once
        assert (later.possible_duplicate_of_id, later.duplicate_reason) == (
            earlier.id, "one name is the acronym of the other")


def test_a_similar_name_on_another_statement_is_not_a_duplicate(app, client, world, mailbox):
    sign(client, world.signon_slug)
    with app.app_context():
        from statements.accounts.models import User
        from tests.factories import make_open_statement

        coordinator = db.session.get(User, world.user_ids["coordinator"])
        other = make_open_statement(coordinator, coordinator.memberships[0].group, "Care work is work")
        db.session.commit()
        slug = other.slug
    assert sign(client, slug).status_code == 302
    mailbox.deliver()
    for message in mailbox.to("maria.lopez@trabajadoras.org.gt"):  # one confirmation for each statement
        client.submit(mailbox.link_in(message, "/confirm/"))
    with app.app_context():
        assert [(s.status, s.possible_duplicate_of_id) for s in signons()] == [("confirmed", None)] * 2


# --- on a statement with many signatories ------------------------------------------------------------

#: every column a new sign-on is compared on, each looked up in an index of its own
LOOKED_UP = ("name_key", "email_key", "first_word", "email_domain", "acronym")


def add_signatories(statement, count: int) -> None:
    """Approved sign-ons of `count` organizations, added in one go, their keys filled as the form fills them."""
    from sqlalchemy import insert

    columns = [column.key for column in SignOn.__table__.columns if column.key != "id"]
    kinds, places = ["Asociación", "Red", "Centro", "Union", "Network", "Coalition"], range(count)
    rows = []
    for number in places:
        signon = SignOn(statement_id=statement.id, revision_id=statement.final_revision_id, authorized=True,
                        status="approved", source="form", confirm_nonce=f"n{number}", withdraw_nonce=f"w{number}",
                        code_hash="", acronym="", country_sort="", message="", moderation_note="", visibility="named",
                        consent_to_contact=False, created_at=utcnow())
        services._fill(signon, {"organization_name": f"{kinds[number % len(kinds)]} number {number} of the coast",
                                "country": "GT", "org_type": "ngo", "contact_name": "Ana",
                                "contact_email": f"contact{number}@org{number}.example.net"})
        rows.append({key: getattr(signon, key) for key in columns})
    db.session.execute(insert(SignOn), rows)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(db.text("ANALYZE signon"))  # as autovacuum does after a burst of rows


def duplicate_query_plan(statement_id: int) -> str:
    """The database's plan for the duplicate check of a new sign-on, every lookup given a value."""
    # the first word of one in six of `add_signatories`' names: many rows to find, as a common word brings
    values = {**services.duplicate_lookup(statement_id, 0, "red de migrantes", "info@rdm.example.org", "red",
                                          "rdm.example.org", "rdm"), "cutoff": services.confirmation_cutoff()}
    return query_plan(services.duplicate_candidates(db.session.connection().dialect.name), values)


def query_plan(query, values: dict) -> str:
    """The database's plan for a query with these values."""
    connection = db.session.connection()
    expanded = query.compile(dialect=connection.dialect).construct_expanded_state(values)
    if connection.dialect.name == "postgresql":
        return "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + expanded.statement,
                                                                      expanded.parameters))
    parameters = tuple(expanded.parameters[name] for name in expanded.positiontup)
    return "\n".join(row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + expanded.statement,
                                                                   parameters))


def test_a_new_sign_on_is_compared_through_indexes_never_by_reading_every_sign_on_of_the_statement(app, world):
    """A campaign with thousands of signatories: each new sign-on must not read them all to find a likely repeat."""
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        add_signatories(statement, 3000)
        db.session.commit()
        plan = duplicate_query_plan(statement.id)
        db.session.rollback()
    if "Index Cond" in plan:  # PostgreSQL
        assert "Seq Scan on signon" not in plan, plan
        for column in LOOKED_UP:
            assert f"AND (({column})::text = " in plan, (column, plan)
    else:
        assert "SCAN signon" not in plan, plan
        for column in LOOKED_UP:
            assert re.search(rf"SEARCH signon USING (COVERING )?INDEX \w+ \(statement_id=\? AND {column}=\?\)",
                             plan), (column, plan)


def test_a_sign_on_from_the_form_looks_for_its_name_through_an_index(app, world):
    """Before it is stored, a sign-on from the form looks for an active one holding its name: that look, made for
    every sign-on, must not read all of a statement's signatories either."""
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        add_signatories(statement, 3000)
        db.session.commit()
        plan = query_plan(services.SAME_NAME.statement, {
            "statement_id": statement.id, "name_key": "red number 6 of the coast",
            "cutoff": services.confirmation_cutoff()})
        db.session.rollback()
    if "Index Cond" in plan:  # PostgreSQL
        assert "Seq Scan on signon" not in plan, plan
        assert re.search(r"Index Cond: \(\(statement_id = \d+\) AND \(\(name_key\)::text = ", plan), plan
    else:
        assert "SCAN signon" not in plan, plan
        assert re.search(r"SEARCH signon USING (COVERING )?INDEX \w+ \(statement_id=\? AND name_key=\?\)", plan), plan


def test_the_statements_every_sign_on_runs_write_their_statuses_into_the_sql(app):
    """SQLite compares a status given as a value with the one of the partial index on approved names, and so
    prepares the statement again at every execution: the same-name lookup and a repeat's change, run for sign-ons
    from the form, write the statuses they look for into their SQL."""
    statuses = {status.value for status in SignOnStatus}
    with app.app_context():
        dialect = db.session.connection().dialect
        for query in (services.SAME_NAME.statement, services._again_statement(("organization_name",))):
            compiled = query.compile(dialect=dialect)
            given = {name for name, bind in compiled.binds.items() if bind.value in statuses or name == "pending"}
            assert not given, (given, str(compiled))
            assert "status = 'pending'" in str(compiled), str(compiled)


# --- at the same moment ---------------------------------------------------------------------------

def confirm_all(app):
    """Each contact presses the button in their email, in the order they signed."""
    with app.app_context():
        for signon in signons():
            services.confirm(signon)
            try:
                db.session.commit()
            except IntegrityError:  # as the confirmation page does: the other one was approved first
                db.session.rollback()
                services.confirm(db.session.get(SignOn, signon.id))
                db.session.commit()


def test_the_same_organization_sent_twice_at_the_same_moment_is_approved_once(app, make_client, world,
                                                                            monkeypatch):
    # both requests look for the same name before either has stored its own
    both_looked = threading.Barrier(2, timeout=10)
    original = services.find_same_name

    def look_then_wait(connection, statement, signon):
        found = original(connection, statement, signon)
        both_looked.wait()
        return found

    monkeypatch.setattr(services, "find_same_name", look_then_wait)
    clients = [make_client() for _ in range(2)]
    tokens = [c.csrf_token() for c in clients]
    responses = []

    def send(person: int):
        from tests.signons.pages import form

        email = f"contact{person}@trabajadoras.org.gt"
        data = form(contact_email=email, csrf_token=tokens[person])
        responses.append(clients[person].post(f"/s/{world.signon_slug}/sign", data=data))

    threads = [threading.Thread(target=send, args=(person,)) for person in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert [r.status_code for r in responses] == [302, 302]
    monkeypatch.setattr(services, "find_same_name", original)
    with app.app_context():
        statement_by_slug(world.signon_slug).signon_requires_approval = False
        db.session.commit()
    confirm_all(app)
    with app.app_context():
        assert sorted(s.status for s in signons()) == ["approved", "confirmed"]


def test_a_burst_of_the_same_organization_from_many_people_is_approved_once(app, make_client, world, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_LIMIT_PER_ADDRESS", "1000 per minute")
    people = 6
    clients = [make_client() for _ in range(people)]
    tokens = [c.csrf_token() for c in clients]
    start = threading.Barrier(people, timeout=10)
    statuses = []

    def send(person: int):
        from tests.signons.pages import form

        data = form(contact_email=f"person{person}@trabajadoras.org.gt", csrf_token=tokens[person])
        start.wait()
        statuses.append(clients[person].post(f"/s/{world.signon_slug}/sign", data=data).status_code)

    threads = [threading.Thread(target=send, args=(person,)) for person in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [302] * people
    with app.app_context():
        statement_by_slug(world.signon_slug).signon_requires_approval = False
        db.session.commit()
    confirm_all(app)
    with app.app_context():
        assert sorted(s.status for s in signons()) == ["approved"] + ["confirmed"] * (people - 1)
        assert signon_named(ORG).status in ("approved", "confirmed")
