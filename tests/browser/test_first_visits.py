"""A crowd's first visits to a statement's page, in a real browser: the second and later visitors within seconds
get the page the app made without Flask, and it works for them as the app's own does, with and without
JavaScript, on a phone, under the same security policy and as accessible."""

import pytest
from playwright.sync_api import expect

from statements.signons.recent_pages import public_page_slug
from tests.browser.conftest import PHONE, check_page, shot
from tests.browser.test_signon_journeys import TITLE, fill_the_form, heading, send_the_form, signons_stored
from tests.signons.conftest import _quick_forms_and_fresh_counts  # noqa: F401  (each test starts afresh)


@pytest.mark.parametrize("scripts", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_a_visitor_given_the_page_without_the_framework_signs_on(
        app, new_context, world, mailbox, answered_by_the_app, scripts):
    slug = world.signon_slug
    first = new_context().new_page()
    with answered_by_the_app(public_page_slug) as made:
        first.goto(f"/s/{slug}")
    assert made[0] == 1

    phone = new_context(java_script_enabled=scripts).new_page()
    phone.set_viewport_size(PHONE)
    errors = []
    phone.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    with answered_by_the_app(public_page_slug) as made:
        phone.goto(f"/s/{slug}")
    assert made[0] == 0  # given again, without Flask
    expect(heading(phone)).to_have_text(TITLE)
    if scripts:  # (axe-core runs in the page: without JavaScript, the same page is only looked at)
        check_page(phone, "first-visit-phone")
    else:
        shot(phone, "first-visit-phone-without-javascript")
    assert errors == []  # nothing refused by the security policy, nothing broken

    fill_the_form(phone, name="Red Comunitaria de Tapachula", country="Mexico",
                  org_type="Migrant or refugee-led organization", website="", contact="Itzel Ruiz",
                  email="itzel@redtapachula.example.net")
    assert send_the_form(phone).status == 302
    expect(heading(phone)).to_have_text("Check your email")
    expect(phone.locator("main")).to_contain_text("itzel@redtapachula.example.net")
    with app.app_context():
        assert [s.organization_name for s in signons_stored()] == ["Red Comunitaria de Tapachula"]
