"""The words an exported file adds, by language: which table a language gets, plurals, numbers,
dates, country names and kinds of organization."""

from datetime import date

import pytest
from markupsafe import Markup

from statements.export.labels import (country_in, counted, format_date, format_number, labels_for,
                                      organization_type)
from statements.export.pdf import ExportData, page_counter_css, render_pdf
from tests.export.pdfs import flat, missing_glyphs, read_pdf, text_of


@pytest.mark.parametrize("language, code", [
    ("es", "es"), ("fr", "fr"), ("pt", "pt"), ("en", "en"),
    ("es-MX", "es"), ("pt_BR", "pt"), ("FR-ca", "fr"),  # a regional variant gets its language's words
    ("de", "en"), ("ar", "en"), ("", "en"), (None, "en"), ("xx-YY", "en"),  # not in the table: English
])
def test_a_language_gets_its_own_labels_or_english(language, code):
    labels = labels_for(language)
    assert labels["code"] == code
    assert labels["draft"] == labels_for(code)["draft"]


def test_every_language_has_every_label_english_has():
    english = set(labels_for("en"))
    for code in ("es", "fr", "pt"):
        assert english <= set(labels_for(code)), code


@pytest.mark.parametrize("language, count, expected", [
    ("en", 1, "Signed by 1 organization"), ("en", 0, "Signed by 0 organizations"),
    ("en", 2, "Signed by 2 organizations"), ("en", 1234, "Signed by 1,234 organizations"),
    ("es", 1, "Firmado por 1 organización"), ("es", 0, "Firmado por 0 organizaciones"),
    ("es", 3, "Firmado por 3 organizaciones"),
    ("fr", 1, "Signé par 1 organisation"), ("fr", 0, "Signé par 0 organisation"),  # French: 0 is singular
    ("fr", 2, "Signé par 2 organisations"),
    ("pt", 1, "Assinado por 1 organização"), ("pt", 5, "Assinado por 5 organizações"),
])
def test_one_and_many_organizations(language, count, expected):
    assert counted(labels_for(language), "signed_by", count) == expected


@pytest.mark.parametrize("language, number, expected", [
    ("en", 999, "999"), ("en", 1234, "1,234"), ("en", 1234567, "1,234,567"),
    ("es", 1234, "1234"), ("es", 12345, "12.345"), ("es", 1234567, "1.234.567"),  # Spanish: 1234 ungrouped
    ("pt", 1234, "1.234"), ("fr", 1234, "1\u202f234"), ("fr", 1234567, "1\u202f234\u202f567"),
    ("de", 1234, "1,234"),  # as the English labels it is shown with
])
def test_numbers_are_written_as_the_language_writes_them(language, number, expected):
    assert format_number(number, labels_for(language)) == expected


@pytest.mark.parametrize("language, day, expected", [
    ("en", date(2026, 11, 1), "1 November 2026"), ("en", date(2026, 3, 28), "28 March 2026"),
    ("es", date(2026, 11, 1), "1 de noviembre de 2026"), ("pt", date(2026, 3, 28), "28 de março de 2026"),
    ("fr", date(2026, 11, 1), "1er novembre 2026"), ("fr", date(2026, 8, 15), "15 août 2026"),
    ("de", date(2026, 12, 24), "24 December 2026"),
])
def test_dates_name_the_month_in_the_language(language, day, expected):
    assert format_date(day, labels_for(language)) == expected


def test_countries_and_kinds_of_organization_are_named_in_the_language():
    assert country_in("KE", labels_for("es")) == "Kenia"
    assert country_in("DE", labels_for("fr")) == "Allemagne"
    assert country_in("CI", labels_for("es")) == "Costa de Marfil"
    assert country_in("KE", labels_for("pt")) == "Quênia"  # Brazilian Portuguese, as the other words
    assert country_in("KE", labels_for("en")) == country_in("KE", labels_for("de")) == "Kenya"
    assert country_in(None, labels_for("es")) == country_in("", labels_for("fr")) == ""
    assert organization_type("union", "Trade union", labels_for("pt")) == "Sindicato ou organização de trabalhadores"
    assert organization_type("union", "Trade union", labels_for("de")) == "Trade union"
    assert organization_type("new-kind", "New kind", labels_for("es")) == "New kind"


def test_the_page_footer_is_css_with_the_words_quoted_and_the_numbers_counted():
    assert page_counter_css(labels_for("es")["page_of"]) == '"página " counter(page) " de " counter(pages)'
    assert page_counter_css('{page} / {pages} "x"') == 'counter(page) " / " counter(pages) " \\22 x\\22 "'


def test_a_french_count_in_thousands_is_drawn_with_its_thin_space():
    data = ExportData("Réseau", "Titre", "fr", Markup("<p>Texte.</p>"), date(2026, 11, 1), 1, True,
                      unnamed_count=1234)
    content, _ = render_pdf(data)
    text = flat(text_of(content))  # (the thin space is white space: made a plain one here)
    assert "Signé par 1 234 organisations" in text
    assert "Dont 1 234 organisations qui ont demandé à ne pas figurer dans la liste." in text
    assert missing_glyphs(read_pdf(content)) == set()
