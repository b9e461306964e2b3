"""Files staff upload that are not plain UTF-8 CSV: each is read correctly or refused with a message by the
box that says what to do, keeping what was typed; none gives a crash page."""

import csv
import io

import pytest

from tests.signons.pages import field_error, selected, text_of, typed
from tests.signons.test_staff_add import add, count, preview

TYPED = "Red de Mujeres; MX; womens; Ana Pérez; ana@redmujeres.example.mx"


def refused(response, message: str) -> None:
    assert response.status_code == 400
    assert message in field_error(response, "rows")
    assert typed(response, "rows") == TYPED  # what was typed in the box is still there
    assert selected(response, "default_visibility") == "country"
    assert "<h3>Preview</h3>" not in text_of(response)


def test_a_file_with_cr_only_line_endings_is_read_line_by_line(app, staff, statement_id):
    file_text = ("Organization;Country;Type;Contact name;Contact email\r"
                 "Red de Mujeres;MX;womens;Ana;ana@redmujeres.example.mx\r"
                 "\r"
                 "Uganda Land Alliance;UG;ngo;Okello;okello@ula.example.net\r")
    response = add(staff, statement_id, upload=(io.BytesIO(file_text.encode()), "old-mac.csv"))
    assert response.status_code == 200
    assert preview(response) == [(2, "Red de Mujeres", "Will be added"), (4, "Uganda Land Alliance", "Will be added")]
    pasted = "Red de Mujeres;MX;womens;Ana;a@red.example.mx\rCasa;GT;ngo;Luz;luz@casa.example.org"
    response = add(staff, statement_id, pasted, confirm=True)
    assert response.status_code == 302
    with app.app_context():
        assert count() == 2


@pytest.mark.parametrize("where", ["file", "box"])
def test_a_value_over_the_csv_limit_is_refused_naming_its_line(app, staff, statement_id, where):
    limit = csv.field_size_limit()
    text = (f"{TYPED}\n"
            f"Casa del Migrante; GT; ngo; Luz; luz@casa.example.org\n"
            f'"Unclosed quote; GT; ngo; {"x" * (limit + 10)}\n'
            f"Uganda Land Alliance; UG; ngo; Okello; okello@ula.example.net\n")
    if where == "file":
        response = add(staff, statement_id, TYPED, upload=(io.BytesIO(text.encode()), "big-field.csv"),
                       visibility="country")
        refused(response, f"Line 3 could not be read: it has a value longer than {limit:,} characters.")
    else:
        response = add(staff, statement_id, text, visibility="country")
        assert response.status_code == 400
        assert typed(response, "rows") == text
    assert "Check the quotation marks on that line" in field_error(response, "rows")
    with app.app_context():
        assert count() == 0


def test_a_file_not_in_utf8_is_refused_naming_its_line(app, staff, statement_id):
    data = ("Red de Mujeres; MX; womens; Ana; ana@red.example.mx\n"
            "Asociación de Trabajadoras del Hogar; GT; union; María; maria@example.org\n").encode("cp1252")
    response = add(staff, statement_id, TYPED, upload=(io.BytesIO(data), "windows.csv"), visibility="country")
    refused(response, "The file “windows.csv” is not in UTF-8: line 2 has a character in another encoding. "
                      "In your spreadsheet, save it as “CSV UTF-8 (comma delimited)” and upload it again.")


@pytest.mark.parametrize("data", [b"", b"  \r\n\n "], ids=["nothing", "blank lines"])
def test_an_empty_file_is_refused(app, staff, statement_id, data):
    response = add(staff, statement_id, TYPED, upload=(io.BytesIO(data), "empty.csv"), visibility="country")
    refused(response, "The file “empty.csv” is empty. Choose the file with the sign-ons, or paste them in the box.")


def test_a_file_with_only_a_header_is_refused(app, staff, statement_id):
    data = "\ufeffOrganization,Country,Type,Contact name,Contact email,Website\r\n".encode()
    response = add(staff, statement_id, TYPED, upload=(io.BytesIO(data), "header.csv"), visibility="country")
    refused(response, "The file “header.csv” has only a header line. Add one line for each organization under it.")
    response = add(staff, statement_id, "Organization; Country; Type\n")
    assert response.status_code == 400
    assert field_error(response, "rows") == \
        "What you pasted has only a header line. Add one line for each organization under it."


@pytest.mark.parametrize("data, name", [
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)) * 4, "signons.xlsx"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "photo.csv"),
    ("Red de Mujeres, MX, womens, Ana, ana@red.example.mx\n".encode("utf-16"), "unicode.csv"),
], ids=["spreadsheet", "image", "utf-16"])
def test_a_binary_file_is_refused(app, staff, statement_id, data, name):
    response = add(staff, statement_id, TYPED, upload=(io.BytesIO(data), name), visibility="country")
    refused(response, f"The file “{name}” is not a CSV text file (it may be a spreadsheet or saved as UTF-16). "
                      "In your spreadsheet, save it as “CSV UTF-8 (comma delimited)” and upload that file.")
    with app.app_context():
        assert count() == 0


def test_staff_are_told_why_a_file_is_refused_in_the_language_they_read(app, staff, statement_id):
    staff.submit("/language", {"language": "fr", "next": "/groups"})
    response = add(staff, statement_id, TYPED, upload=(io.BytesIO(b""), "vide.csv"), visibility="country")
    assert field_error(response, "rows") == ("Le fichier « vide.csv » est vide. Choisissez le fichier qui contient "
                                             "les signatures, ou collez-les dans la zone de texte.")
    response = add(staff, statement_id, "Organization; Country; Type\n")
    assert field_error(response, "rows") == \
        "Ce que vous avez collé ne contient qu’une ligne d’en-tête. Ajoutez en dessous une ligne par organisation."
