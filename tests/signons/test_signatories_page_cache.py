"""The list of signatories is made once for anonymous visitors for a few seconds, with each visitor's own token in
it, and follows every change made through the same process at once."""

from statements.extensions import db
from statements.signons import views
from statements.signons.models import SignOn
from tests.signons.pages import add_signon, statement_by_slug, text_of
from tests.signons.test_public_page_cache import hidden_fields


def listed(app, world, *names: str) -> str:
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        for name in names:
            add_signon(statement, name, country="KE")
        db.session.commit()
    views.services.forget_counts(app)
    return world.signon_slug


def test_a_list_asked_for_again_is_sent_without_reading_the_database_with_each_visitors_token(
        app, make_client, world, count_queries):
    slug = listed(app, world, "Kenya Domestic Workers Union", "Nairobi Tenants Association")
    first = text_of(make_client().get(f"/s/{slug}/signatories"))
    assert "Kenya Domestic Workers Union" in first
    with count_queries() as counted:
        second = text_of(make_client().get(f"/s/{slug}/signatories"))
        by_country = text_of(make_client().get(f"/s/{slug}/signatories?country=KE"))
    assert counted[0] > 0  # the list of one country is a page of its own, read the first time
    with count_queries() as counted:
        again = text_of(make_client().get(f"/s/{slug}/signatories?country=ke"))
    assert counted[0] == 0 and again.replace(hidden_fields(again)["csrf_token"], "T") == \
        by_country.replace(hidden_fields(by_country)["csrf_token"], "T")

    first_token, second_token = hidden_fields(first)["csrf_token"], hidden_fields(second)["csrf_token"]
    assert first_token != second_token  # each visitor's own, so the language switcher works for each
    assert first.replace(first_token, "T") == second.replace(second_token, "T")


def test_a_change_made_through_this_process_shows_at_once(app, client, world):
    slug = listed(app, world, "Kenya Domestic Workers Union", "Nairobi Tenants Association")
    assert "Nairobi Tenants Association" in text_of(client.get(f"/s/{slug}/signatories"))
    with app.app_context():
        signon = db.session.scalar(db.select(SignOn).filter_by(organization_name="Nairobi Tenants Association"))
        signon.withdrawn_at, signon.status = db.func.now(), "withdrawn"
        db.session.commit()
    page = text_of(client.get(f"/s/{slug}/signatories"))
    assert "Nairobi Tenants Association" not in page and "Kenya Domestic Workers Union" in page


def test_a_logged_in_person_never_gets_the_kept_page_nor_leaves_theirs(app, client, make_client, world):
    slug = listed(app, world, "Kenya Domestic Workers Union")
    assert "Log out" not in text_of(client.get(f"/s/{slug}/signatories"))
    coordinator = make_client()
    coordinator.login(world.emails["coordinator"])
    assert "Log out" in text_of(coordinator.get(f"/s/{slug}/signatories"))
    assert "Log out" not in text_of(make_client().get(f"/s/{slug}/signatories"))


def test_made_up_countries_and_pages_are_read_each_time_not_remembered(app, make_client, world, count_queries):
    slug = listed(app, world, "Kenya Domestic Workers Union")
    for address in (f"/s/{slug}/signatories?country=ZZ", f"/s/{slug}/signatories?page=900",
                    f"/s/{slug}/signatories?country=%E2%98%83"):
        assert make_client().get(address).status_code == 200
        with count_queries() as counted:
            assert make_client().get(address).status_code == 200
        assert counted[0] > 0, address
    assert make_client().get("/s/no-such-statement/signatories").status_code == 404
