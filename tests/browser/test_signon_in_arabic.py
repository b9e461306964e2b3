"""An Arabic ally signs on in Arabic from a phone: the statement's page, the form, the check-your-email
page, the confirmation mail (over real SMTP) and the thank-you page all speak Arabic, right to left."""

import re

import pytest
from playwright.sync_api import expect

from statements.signons import services
from tests.browser.conftest import PHONE, assert_accessible, assert_fits_width, shot
from tests.browser.signon_data import signon_named
from tests.browser.test_signon_accessibility import ARABIC_TITLE, _arabic_statement


@pytest.fixture(autouse=True)
def _signing_without_waiting(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_MIN_FILL_SECONDS", 0)
    services.forget_counts(app)
    yield
    services.forget_counts(app)


def looked_at(page, name: str) -> None:
    """Keep a screenshot of the page as the phone shows it, and check it there."""
    shot(page, name)
    assert_accessible(page)
    assert_fits_width(page)


def test_an_arabic_ally_signs_on_in_arabic_from_a_phone_and_is_mailed_in_arabic(app, page, world, mailbox):
    slug, email = _arabic_statement(app, world), "hala.haddad@amal.example.org"
    phone = page
    phone.set_viewport_size(PHONE)

    # an anonymous visitor opens the Arabic statement: the whole page is in Arabic, right to left
    phone.goto(f"/s/{slug}")
    expect(phone.locator("html")).to_have_attribute("lang", "ar")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    expect(phone.locator("main h1").first).to_have_text(ARABIC_TITLE)
    expect(phone.locator(".signon-count").first).to_have_text("وقّعت منظمتان من دولتين.")
    looked_at(phone, "arabic journey public page")

    phone.get_by_role("link", name="وقّع باسم منظمتك").click()
    form = phone.locator("#sign")
    expect(form).to_contain_text("لا يُعرض علنًا أبدًا: اسمك وعنوان بريدك الإلكتروني ورسالتك.")
    form.get_by_label("اسم المنظمة").fill("جمعية أمل للنازحين")
    form.get_by_label("البلد", exact=True).select_option(label="لبنان")
    form.get_by_label("نوع المنظمة").select_option(label="منظمة يقودها مهاجرون أو لاجئون")
    form.get_by_label("اسمك").fill("هالة حداد")
    form.get_by_label("عنوان بريدك الإلكتروني").fill(email)
    form.get_by_label("اعرضوا فقط «منظمة في <بلدنا>»").check()
    form.get_by_label("لديّ تفويض بالتوقيع باسم هذه المنظمة").check()
    phone.get_by_role("button", name="توقيع البيان").click()

    expect(phone).to_have_url(re.compile(rf"/s/{slug}/check-email(#sign)?$"))
    expect(phone.locator("main h1")).to_have_text("تحقّق من بريدك الإلكتروني")
    expect(phone.locator(".lead")).to_have_text(
        f"أرسلنا رابطًا إلى {email}. افتحه واضغط «تأكيد توقيعنا» لإضافة توقيع منظمتك.")
    looked_at(phone, "arabic journey check email")
    with app.app_context():
        signon = signon_named("جمعية أمل للنازحين")
        assert (signon.language, signon.country, signon.visibility, signon.status) == ("ar", "LB", "country",
                                                                                      "pending")

    # the confirmation arrives over SMTP, in Arabic
    mailbox.deliver()
    [message] = mailbox.to(email)
    assert message["Subject"].strip() == f"أكّد توقيع منظمتك: {ARABIC_TITLE}"
    body = mailbox.body(message)
    assert body.startswith("مرحبًا هالة حداد،")
    assert f"شكرًا لتوقيعك على «{ARABIC_TITLE}» باسم جمعية أمل للنازحين." in body
    assert "لتأكيد التوقيع، افتح هذا الرابط واضغط «تأكيد توقيعنا»:" in body
    assert "Hello" not in body and "Confirm" not in body

    phone.goto(mailbox.link_in(message, "/confirm/"))
    expect(phone.locator("main h1")).to_have_text("أكّد توقيعك")
    expect(phone.locator("main")).to_contain_text(f"اضغط على الزر لتوقيع «{ARABIC_TITLE}» باسم جمعية أمل للنازحين (لبنان).")
    looked_at(phone, "arabic journey confirm")
    phone.get_by_role("button", name="تأكيد توقيعنا").click()
    expect(phone.locator("main h1")).to_have_text("شكرًا: تم تأكيد توقيعك")
    looked_at(phone, "arabic journey thank you")
    with app.app_context():
        assert signon_named("جمعية أمل للنازحين").status == "confirmed"
