"""Which way a language, or a piece of text, is written."""

import pytest

from statements.core.languages import direction_of, text_direction
from statements.drafts.models import LANGUAGES


@pytest.mark.parametrize("language", ["ar", "ar-EG", "ar_EG", "AR", "fa", "he", "ur-PK"])
def test_languages_written_right_to_left(language):
    assert text_direction(language) == "rtl"


@pytest.mark.parametrize("language", ["en", "es-MX", "tr", "zh", "", None, "arn"])
def test_other_languages_are_written_left_to_right(language):
    assert text_direction(language) == "ltr"


def test_arabic_is_the_only_right_to_left_language_offered_so_far():
    assert [code for code, _ in LANGUAGES if text_direction(code) == "rtl"] == ["ar"]


@pytest.mark.parametrize("text, expected", [
    ("Kenya Domestic Workers Union (KDWU).", "ltr"),
    ("جمعية العمال المهاجرين", "rtl"),
    ("350.org", "ltr"),  # the first letter decides, not the digits before it
    ("«مرحبا» Union", "rtl"),
    ("עמותה", "rtl"),
])
def test_a_text_runs_the_way_of_its_first_letter(text, expected):
    assert direction_of(text) == expected


def test_a_text_without_letters_takes_the_default():
    assert direction_of("2026 (!)", "rtl") == "rtl"
    assert direction_of("") == "ltr"
