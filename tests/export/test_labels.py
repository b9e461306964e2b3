"""The words an exported file adds, by language, from the interface's catalogs and CLDR: which language
the words are in, plurals, numbers, dates, country names and kinds of organization."""

from datetime import date

import pytest
from markupsafe import Markup

from statements.accounts.models import ORGANIZATION_TYPES
from statements.export.labels import country_in, file_labels, in_country_wording, organization_type, words_language
from statements.export.pdf import ExportData, page_counter_css, render_pdf
from statements.export.services import with_labels
from tests.export.pdfs import flat, missing_glyphs, read_pdf, text_of

NARROW_NO_BREAK_SPACE = "\u202f"


def labels(language: str, count: int = 2, unnamed_count: int = 1, signed_on: date = date(2026, 11, 1)):
    return file_labels(language, count=count, unnamed_count=unnamed_count, revision_number=3, signed_on=signed_on,
                       network_name="Red")


@pytest.fixture
def context(app):
    with app.app_context():
        yield


@pytest.mark.parametrize("language, code", [
    ("es", "es"), ("fr", "fr"), ("pt", "pt"), ("ar", "ar"), ("en", "en"),
    ("es-MX", "es"), ("pt_BR", "pt"), ("FR-ca", "fr"), ("ar-EG", "ar"),  # a regional variant gets its language's
    ("de", "en"), ("", "en"), (None, "en"), ("xx-YY", "en"),  # no catalog: English
])
def test_a_file_s_words_are_in_its_language_or_english(context, language, code):
    assert words_language(language) == code
    assert labels(language).language == code
    assert labels(language).draft == labels(code).draft


def test_every_word_is_translated_in_every_language_the_interface_speaks(context):
    english = labels("en")
    for code in ("es", "fr", "pt", "ar"):
        translated = labels(code)
        for name in ("page_of", "draft", "draft_note", "signed_on", "signed_by", "unnamed", "list_private",
                     "none_yet", "logo"):
            assert getattr(translated, name) != getattr(english, name), (code, name)
        assert "{page}" in translated.page_of and "{pages}" in translated.page_of


@pytest.mark.parametrize("language, count, expected", [
    ("en", 1, "Signed by 1 organization"), ("en", 0, "Signed by 0 organizations"),
    ("en", 2, "Signed by 2 organizations"), ("en", 1234, "Signed by 1,234 organizations"),
    ("es", 1, "Firmado por 1 organización"), ("es", 0, "Firmado por 0 organizaciones"),
    ("es", 3, "Firmado por 3 organizaciones"),
    ("fr", 1, "Signé par 1 organisation"), ("fr", 0, "Signé par 0 organisation"),  # French: 0 is singular
    ("fr", 2, "Signé par 2 organisations"),
    ("fr", 1234, f"Signé par 1{NARROW_NO_BREAK_SPACE}234 organisations"),
    ("pt", 1, "Assinado por 1 organização"), ("pt", 5, "Assinado por 5 organizações"),
    # Arabic: one, two, three to ten, eleven to ninety-nine, a hundred and more
    ("ar", 1, "وقّعت على البيان منظمة واحدة"), ("ar", 2, "وقّعت على البيان منظمتان"),
    ("ar", 3, "وقّعت على البيان 3 منظمات"), ("ar", 11, "وقّعت على البيان 11 منظمة"),
    ("ar", 100, "وقّعت على البيان 100 منظمة"),
])
def test_one_and_many_organizations(context, language, count, expected):
    assert labels(language, count=count).signed_by == expected


def test_the_french_count_of_organizations_not_listed_is_plural_from_two(context):
    assert labels("fr", unnamed_count=1).unnamed == "Dont 1 organisation qui a demandé à ne pas figurer dans la liste."
    assert labels("fr", unnamed_count=2).unnamed == \
        "Dont 2 organisations qui ont demandé à ne pas figurer dans la liste."


@pytest.mark.parametrize("language, number, expected", [
    ("en", 999, "999"), ("en", 1234, "1,234"), ("en", 1234567, "1,234,567"),
    ("es", 12345, "12.345"), ("pt", 1234, "1.234"),
    ("fr", 1234, f"1{NARROW_NO_BREAK_SPACE}234"), ("fr", 1234567, "1\u202f234\u202f567"),  # as CLDR has it
    ("de", 1234, "1,234"),  # as the English words it is shown with
])
def test_numbers_are_written_as_the_language_writes_them(context, language, number, expected):
    assert labels(language).number(number) == expected


@pytest.mark.parametrize("language, day, expected", [
    ("en", date(2026, 11, 1), "November 1, 2026"), ("es", date(2026, 11, 1), "1 de noviembre de 2026"),
    ("pt", date(2026, 3, 28), "28 de março de 2026"), ("fr", date(2026, 8, 15), "15 août 2026"),
    ("ar", date(2026, 11, 1), "1 نوفمبر 2026"), ("de", date(2026, 12, 24), "December 24, 2026"),
])
def test_dates_name_the_month_in_the_language(context, language, day, expected):
    assert labels(language, signed_on=day).signed_on == expected


def test_countries_and_kinds_of_organization_are_named_in_the_language(context):
    assert country_in("KE", "es") == "Kenia"
    assert country_in("DE", "fr") == "Allemagne"
    assert country_in("KE", "pt") == "Quênia"  # CLDR's Portuguese is Brazilian
    assert country_in("LB", "ar") == "لبنان"
    assert country_in("KE", "en") == country_in("KE", "de") == "Kenya"
    assert country_in(None, "es") == country_in("", "fr") == ""
    union = dict(ORGANIZATION_TYPES)["union"]
    assert organization_type(union, "pt") == "Sindicato ou organização de trabalhadores"
    assert organization_type(union, "ar") == "نقابة أو منظمة عمّالية"
    assert organization_type(union, "de") == "Trade union or workers' organization"
    assert in_country_wording("es").format(country="Kenia") == "Una organización de Kenia"


def test_the_page_footer_is_css_with_the_words_quoted_and_the_numbers_counted(context):
    assert page_counter_css(labels("es").page_of) == '"página " counter(page) " de " counter(pages)'
    assert page_counter_css(labels("ar").page_of) == '"الصفحة " counter(page) " من " counter(pages)'
    assert page_counter_css('{page} / {pages} "x"') == 'counter(page) " / " counter(pages) " \\22 x\\22 "'


def test_a_french_count_in_thousands_is_drawn_with_its_thin_space(context):
    data = with_labels(ExportData("Réseau", "Titre", "fr", Markup("<p>Texte.</p>"), date(2026, 11, 1), 1, True,
                                  unnamed_count=1234))
    content, _ = render_pdf(data)
    text = flat(text_of(content))  # (the thin space is white space: made a plain one here)
    assert "Signé par 1 234 organisations" in text
    assert "Dont 1 234 organisations qui ont demandé à ne pas figurer dans la liste." in text
    assert missing_glyphs(read_pdf(content)) == set()
