"""The sign-on benchmark's people: every burst of a run counts its own rows and mails, found by name and address."""

from benchmarks.bench_signons import organizations
from statements.signons.duplicates import name_key


def test_no_two_organizations_of_a_run_share_a_name_or_a_contact_address():
    taken: set[str] = set()
    # as a run's three bursts are made by default (the app's, the minimal app's, the checked one's)
    bursts = [organizations(2000, seed, taken) for seed in (2026, 2026 + 13, 2026 + 17)]
    people = [person for burst in bursts for person in burst]
    assert len({name_key(person["organization_name"]) for person in people}) == len(people) == 6000
    assert len({person["contact_email"] for person in people}) == len(people)


def test_the_same_seed_gives_the_same_people():
    assert organizations(50, 7) == organizations(50, 7)


def test_a_burst_is_counted_without_the_warm_up_before_it(world, app_context):
    """The uncounted sign-ons each server takes before the rounds are stored, and left out of what is checked."""
    from sqlalchemy import text

    from benchmarks.bench_signons import BURST_ROWS, WARM_UP_PREFIX
    from statements.extensions import db
    from tests.signons.pages import add_signon, statement_by_slug

    statement = statement_by_slug(world.signon_slug)
    add_signon(statement, WARM_UP_PREFIX + "Red de Mujeres Migrantes", status="pending")
    add_signon(statement, "Colectivo Migrante de Tijuana", status="pending")
    counted = db.session.scalars(text("SELECT organization_name FROM signon WHERE " + BURST_ROWS),
                                 {"s": statement.id}).all()
    assert counted == ["Colectivo Migrante de Tijuana"]
