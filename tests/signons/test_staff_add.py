"""Staff add sign-ons received by email or phone: paste lines or upload a CSV, check the preview, then add."""

import html
import io
import re

from sqlalchemy import func, select

from statements.audit.models import AuditEvent
from statements.extensions import db
from statements.signons.entry import parse_rows
from statements.signons.models import SignOn
from tests.signons.pages import add_signon, field_error, flashes, form_errors, listed_names, public_count, \
    signons, statement_by_slug, text_of

LINES = (
    "Red de Mujeres; MX; womens; Ana Pérez; ana@redmujeres.example.mx; https://redmujeres.example.mx\n"
    "Kenya Domestic Workers Union; Kenya; Trade union or workers' organization; Grace W; grace@kdwu.example.net\n"
)


def add(client, statement_id, rows="", confirm=False, upload=None, visibility="named"):
    data = {"rows": rows, "default_visibility": visibility}
    if confirm:
        data["confirm"] = "1"
    if upload is not None:
        data["upload"] = upload
    return client.submit(f"/statements/{statement_id}/signons/add", data, content_type="multipart/form-data")


def preview(response) -> list[tuple[int, str, str]]:
    """The preview table: line number, organization, and what will happen to it."""
    table = re.search(r"<tbody>(.*?)</tbody>", text_of(response), re.DOTALL)
    assert table, "no preview"
    found = []
    for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.DOTALL):
        cells = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split())
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]
        found.append((int(cells[0]), cells[1], cells[4]))
    return found


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(SignOn))


def test_pasted_lines_are_previewed_and_nothing_is_stored_until_staff_confirm(app, client, staff, statement_id,
                                                                              world, mailbox):
    response = add(staff, statement_id, LINES)
    assert response.status_code == 200
    assert preview(response) == [(1, "Red de Mujeres", "Will be added"),
                                 (2, "Kenya Domestic Workers Union", "Will be added")]
    page = text_of(response)
    assert "Add 2 sign-ons" in page and "2 of 2 lines will be added." in re.sub(r"<[^>]+>", "", page)
    with app.app_context():
        assert count() == 0

    response = add(staff, statement_id, LINES, confirm=True)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/statements/{statement_id}/signons?status=approved"
    assert "2 sign-ons added and approved." in flashes(text_of(staff.get(response.headers["Location"])))
    with app.app_context():
        red, kenya = signons()
        assert (red.organization_name, red.country, red.org_type) == ("Red de Mujeres", "MX", "womens")
        assert (red.contact_name, red.contact_email, red.website) == \
            ("Ana Pérez", "ana@redmujeres.example.mx", "https://redmujeres.example.mx")
        assert (kenya.country, kenya.org_type, kenya.website) == ("KE", "union", None)
        for signon in (red, kenya):
            assert signon.status == "approved" and signon.source == "staff"
            assert signon.decided_by_id == world.user_ids["admin"] and signon.visibility == "named"
            assert signon.revision_id == statement_by_slug(world.signon_slug).final_revision_id
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "signon.added_by_staff"))
        assert event.actor_id == world.user_ids["admin"] and event.details["count"] == 2
    assert public_count(client, world.signon_slug) == 2
    assert listed_names(client, world.signon_slug) == ["Kenya Domestic Workers Union", "Red de Mujeres"]
    mailbox.deliver()
    assert mailbox.messages == []  # staff vouch for them: nobody is asked to confirm


def test_an_uploaded_csv_with_a_header_is_read_like_pasted_lines(app, staff, statement_id):
    file_text = ("\ufeffOrganization,Country,Type,Contact name,Contact email,Website\r\n"
                 "\"Sindicato de Trabajadoras, Hogar\",Guatemala,union,Luz,luz@sitrahogar.example.gt,\r\n"
                 "Uganda Land Alliance,UG,ngo,Okello,okello@ula.example.net,https://ula.example.net\r\n")
    upload = (io.BytesIO(file_text.encode("utf-8")), "signons.csv")
    response = add(staff, statement_id, upload=upload, visibility="country")
    assert preview(response) == [(2, "Sindicato de Trabajadoras, Hogar", "Will be added"),
                                 (3, "Uganda Land Alliance", "Will be added")]
    with app.app_context():
        assert count() == 0
    # the file's lines are now in the box, so confirming sends them again without the file
    box = re.search(r'<textarea[^>]*name="rows"[^>]*>\r?\n?(.*?)</textarea>', text_of(response), re.DOTALL)
    assert "Uganda Land Alliance" in html.unescape(box.group(1))
    response = add(staff, statement_id, html.unescape(box.group(1)), confirm=True, visibility="country")
    assert response.status_code == 302
    with app.app_context():
        assert [(s.organization_name, s.country, s.visibility) for s in signons()] == [
            ("Sindicato de Trabajadoras, Hogar", "GT", "country"), ("Uganda Land Alliance", "UG", "country")]


def test_bad_lines_are_reported_with_their_line_numbers_and_left_out(app, staff, statement_id):
    text = ("\n"
            "Red de Mujeres; MX; womens; Ana; ana@redmujeres.example.mx\n"
            "Bad Country Union; Atlantis; union; B; b@bcu.example.net\n"
            "\n"
            "; GT; ngo; C; c@noname.example.net\n"
            "No Email Group; GT; ngo; D; not-an-address\n"
            "Script Site; GT; ngo; E; e@script.example.net; javascript:alert(1)\n")
    response = add(staff, statement_id, text)
    assert response.status_code == 200
    rows = preview(response)
    assert [(line, check.split(":")[0]) for line, _, check in rows] == [
        (2, "Will be added"), (3, "Not added"), (5, "Not added"), (6, "Not added"), (7, "Not added")]
    checks = {line: check for line, _, check in rows}
    assert "“Atlantis” is not a country: use a two-letter code such as GT or its English name" in checks[3]
    assert "needs an organization name" in checks[5]
    assert "“not-an-address” is not an email address" in checks[6]
    assert "the website must start with https://" in checks[7]
    assert "1 of 5 lines will be added." in re.sub(r"<[^>]+>", "", text_of(response))
    add(staff, statement_id, text, confirm=True)
    with app.app_context():
        assert [s.organization_name for s in signons()] == ["Red de Mujeres"]


def test_duplicates_are_shown_in_the_preview_and_only_likely_ones_are_added_flagged(app, staff, statement_id,
                                                                                   world):
    with app.app_context():
        existing = add_signon(statement_by_slug(world.signon_slug), "Asociación de Trabajadoras del Hogar", "GT",
                              "approved", email="info@atrahdom.example.gt")
        add_signon(statement_by_slug(world.signon_slug), "Migrant Workers Union", "KE", "confirmed",
                   email="info@mwu.example.org")
        db.session.commit()
        existing_id = existing.id
    text = ("ASOCIACION DE TRABAJADORAS DEL HOGAR, A.C.; GT; union; María; maria@example.net\n"
            "MWU; KE; union; Otieno; otieno@gmail.com\n"
            "Casa del Migrante; GT; ngo; Luz; luz@casamigrante.example.org\n"
            "casa del migrante; GT; ngo; Luz; luz@casamigrante.example.org\n")
    response = add(staff, statement_id, text)
    rows = preview(response)
    assert rows[0][2] == "Not added: Asociación de Trabajadoras del Hogar has already signed"
    assert rows[1][2] == "Added, flagged: looks like Migrant Workers Union (one name is the acronym of the other)"
    assert rows[2][2] == "Will be added"
    assert rows[3][2] == "Not added: line 3 (the same name)"
    assert "Add 2 sign-ons" in text_of(response)

    add(staff, statement_id, text, confirm=True)
    with app.app_context():
        names = [s.organization_name for s in signons()]
        assert names == ["Asociación de Trabajadoras del Hogar", "Migrant Workers Union", "MWU", "Casa del Migrante"]
        mwu = db.session.scalar(select(SignOn).where(SignOn.organization_name == "MWU"))
        assert mwu.possible_duplicate_of.organization_name == "Migrant Workers Union"
        assert mwu.duplicate_reason == "one name is the acronym of the other"
        assert db.session.get(SignOn, existing_id).source == "form"


def test_an_empty_paste_or_a_file_too_large_says_what_to_do(app, staff, statement_id):
    response = add(staff, statement_id, "  \n\n ")
    assert response.status_code == 400
    assert field_error(response, "rows") == "Paste at least one line, or choose a CSV file."
    big = io.BytesIO(b"Red; MX; ngo; A; a@red.example.mx\n" * 70_000)
    response = add(staff, statement_id, upload=(big, "big.csv"))
    assert response.status_code == 400
    assert field_error(response, "rows") == "The file is larger than 2 MB. Split it into smaller files."
    with app.app_context():
        assert count() == 0


def test_sign_ons_cannot_be_added_before_sign_on_has_opened(app, staff, world):
    response = add(staff, world.statement_id, LINES)  # a draft
    assert response.status_code == 200 and len(preview(response)) == 2
    response = add(staff, world.statement_id, LINES, confirm=True)
    assert response.status_code == 400
    assert "Sign-ons can be added once sign-on has opened." in form_errors(response)
    assert "at the same moment" not in text_of(response)
    with app.app_context():
        assert count() == 0


# --- reading the lines, without Flask ----------------------------------------------------------

def test_lines_are_read_with_semicolons_or_commas_and_country_names_or_codes():
    rows = parse_rows("Red de Mujeres, mexico, WOMENS, Ana, Ana@RedMujeres.example.mx, https://red.example.mx")
    assert rows[0].fields == {"organization_name": "Red de Mujeres", "country": "MX", "org_type": "womens",
                              "contact_name": "Ana", "contact_email": "Ana@redmujeres.example.mx",
                              "website": "https://red.example.mx"}
    [row] = parse_rows("Grupo Sin Contacto; gt; ; ; info@sincontacto.example.gt")
    assert row.fields["org_type"] == "other" and row.fields["contact_name"] == "Grupo Sin Contacto"
    assert row.problems == []


def test_line_numbers_count_blank_lines_and_line_breaks_inside_quotes():
    text = ('\n"Organization","Country","Type","Contact","Email"\n'
            '"Red\nde Mujeres",MX,womens,Ana,ana@red.example.mx\n'
            '\n'
            'Casa,XX,ngo,Luz,luz@casa.example.org\n')
    rows = parse_rows(text)
    assert [(r.line, r.fields["organization_name"]) for r in rows] == [(3, "Red\nde Mujeres"), (6, "Casa")]
    assert rows[1].problems and not rows[0].problems
