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


def is_a_sign_on(path: str) -> bool:
    return path.endswith("/sign")


@pytest.mark.parametrize("scripts", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_once_the_app_took_a_sign_on_the_next_are_taken_without_the_framework_and_a_mistake_is_the_apps_to_say(
        app, new_context, world, mailbox, answered_by_the_app, scripts):
    slug = world.signon_slug
    first = new_context().new_page()
    first.goto(f"/s/{slug}")
    fill_the_form(first, name="Red Comunitaria de Tapachula", country="Mexico", website="", contact="Itzel Ruiz",
                  email="itzel@redtapachula.example.net")
    with answered_by_the_app(is_a_sign_on) as reached:
        assert send_the_form(first).status == 302
    assert reached[0] == 1  # the app's own answer, kept to give again

    phone = new_context(java_script_enabled=scripts).new_page()
    phone.set_viewport_size(PHONE)
    phone.goto(f"/s/{slug}")
    fill_the_form(phone, name="Colectivo de Jornaleras", country="Guatemala", website="", contact="Rosa Xoc",
                  email="rosa.xoc@jornaleras")  # no domain ending: the app's to say
    with answered_by_the_app(is_a_sign_on) as reached:
        assert send_the_form(phone).status == 400
    assert reached[0] == 1
    expect(phone.locator("#contact_email-error")).to_contain_text("Enter an email address like")
    expect(phone.get_by_label("Organization name")).to_have_value("Colectivo de Jornaleras")

    phone.get_by_label("Your email address").fill("rosa.xoc@jornaleras.example.org")
    with answered_by_the_app(is_a_sign_on) as reached:
        assert send_the_form(phone).status == 302
    assert reached[0] == 0  # taken without the framework
    expect(heading(phone)).to_have_text("Check your email")
    expect(phone.locator("main")).to_contain_text("rosa.xoc@jornaleras.example.org")
    with app.app_context():
        assert [s.organization_name for s in signons_stored()] == ["Red Comunitaria de Tapachula",
                                                                    "Colectivo de Jornaleras"]
