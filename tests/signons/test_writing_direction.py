"""The public sign-on page of an Arabic statement read in an English interface: its text runs right to
left, the form around it left to right; names and titles in one script among words in another keep their
own direction."""

from statements.accounts.models import User
from statements.drafts import services as drafts
from statements.extensions import db
from tests.drafts.pages import opening_tags
from tests.signons.pages import add_signon, statement_by_slug, text_of

ARABIC_TITLE = "تمويل الخسائر والأضرار"


def in_arabic(app, world) -> None:
    """The open statement, now said to be in Arabic, with an Arabic title."""
    with app.app_context():
        statement = statement_by_slug(world.signon_slug)
        drafts.update_details(db.session.get(User, world.user_ids["coordinator"]), statement, ARABIC_TITLE,
                              statement.slug, "ar", statement.summary)
        db.session.commit()


def in_english(client) -> None:
    """The visitor chose English with the switcher (else an Arabic statement's page is in Arabic)."""
    client.submit("/language", {"language": "en", "next": "/"})


def test_the_text_of_an_arabic_statement_runs_right_to_left_and_the_form_does_not(app, client, world):
    in_arabic(app, world)
    in_english(client)

    page = text_of(client.get(f"/s/{world.signon_slug}"))
    assert '<html lang="en" dir="ltr">' in page
    assert opening_tags(page, "statement-text") == ['<div class="statement-text card" lang="ar" dir="rtl">']
    assert f'<h1 lang="ar" dir="rtl">{ARABIC_TITLE}</h1>' in page
    # the title, the summary and the text; the form, its labels and the menus stay left to right
    assert page.count('dir="rtl"') == 3
    assert "dir=" not in opening_tags(page, 'id="sign"')[0]


def test_the_text_of_an_english_statement_runs_left_to_right(client, world):
    page = text_of(client.get(f"/s/{world.signon_slug}"))
    assert opening_tags(page, "statement-text") == ['<div class="statement-text card" lang="en" dir="ltr">']
    assert 'dir="rtl"' not in page


def test_names_and_titles_among_english_words_are_isolated(app, client, world):
    in_arabic(app, world)
    with app.app_context():
        add_signon(statement_by_slug(world.signon_slug), "جمعية العمال المهاجرين 2", "LB")
        db.session.commit()

    in_english(client)
    page = text_of(client.get(f"/s/{world.signon_slug}/signatories"))
    assert "<bdi>جمعية العمال المهاجرين 2</bdi>" in page  # its number stays at its end
    assert f'dir="auto">{ARABIC_TITLE}</a> › Signatories' in page
