"""The sign-on benchmark: every burst of a run counts its own rows and mails, found by name and address, and each
server it runs draws its page."""

import os
import subprocess
import sys

from sqlalchemy import text

from benchmarks.bench_signons import BURST_ROWS, WARM_UP_PREFIX, organizations
from benchmarks.harness import PROJECT_ROOT
from statements.extensions import db
from statements.signons.duplicates import name_key
from tests.signons.pages import add_signon, statement_by_slug


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
    statement = statement_by_slug(world.signon_slug)
    add_signon(statement, WARM_UP_PREFIX + "Red de Mujeres Migrantes", status="pending")
    add_signon(statement, "Colectivo Migrante de Tijuana", status="pending")
    counted = db.session.scalars(text("SELECT organization_name FROM signon WHERE " + BURST_ROWS),
                                 {"s": statement.id}).all()
    assert counted == ["Colectivo Migrante de Tijuana"]


def test_the_plain_stacks_page_is_drawn(tmp_path):
    """The plain stack (`--plain`) draws its form, whose labels borrowed from the app are translated as drawn."""
    code = ("import os; from benchmarks.plain_signon_app import app, create_table; "
            "create_table(os.environ['DATABASE_URL']); page = app.test_client().get('/s/burst-pairs'); "
            "print(page.status_code, 'csrf_token' in page.text)")
    env = dict(os.environ, SECRET_KEY="plain-stack-secret", DATABASE_URL=f"sqlite:///{tmp_path / 'plain.sqlite3'}")
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.stdout.strip().splitlines()[-1:] == ["200 True"], done.stderr[-3000:]
