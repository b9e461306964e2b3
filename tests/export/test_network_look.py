"""The network's own name, logo and time zone, set by staff, on every page, in mail and in Word files."""

import io
import re

from PIL import Image

from statements.export.models import NetworkSettings
from statements.extensions import db
from tests.export.build import make, open_statement
from tests.export.pdfs import docx_text
from tests.signons.pages import field_error


def _png(size=(300, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def _save(client, **fields):
    data = {"name": "Red Global de Mujeres", "time_zone": "UTC", **fields}
    return client.submit("/admin/network", data, content_type="multipart/form-data")


def test_every_page_shows_the_network_s_name_and_logo_once_staff_set_them(app, client, make_client, world):
    public = make_client()
    slug = world.signon_slug
    before = public.get(f"/s/{slug}").get_data(as_text=True)
    assert app.config["NETWORK_NAME"] in before and "/network/logo" not in before
    assert public.get("/network/logo").status_code == 404

    client.login(world.emails["admin"])
    assert _save(client, logo=(io.BytesIO(_png()), "logo.png")).status_code == 302

    for reader, address in ((client, "/groups"), (public, f"/s/{slug}"), (public, "/login")):
        page = reader.get(address).get_data(as_text=True)
        header = page.split("</header>")[0]
        footer = page.split('<footer class="site-footer">')[1]
        assert "Red Global de Mujeres" in header and "Red Global de Mujeres" in footer
        logo = re.search(r'<img src="(/network/logo\?v=\d+)" alt="" height="28" class="network-logo">', header)
        assert logo, header
    image = public.get(logo.group(1))
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data == _png()
    assert "public" in image.headers["Cache-Control"]
    assert public.get(logo.group(1), headers={"If-None-Match": image.headers["ETag"]}).status_code == 304

    assert _save(client, remove_logo="y").status_code == 302
    assert "/network/logo" not in public.get(f"/s/{slug}").get_data(as_text=True)
    assert public.get("/network/logo").status_code == 404


def test_mail_names_the_network(app, client, world, mailbox):
    client.login(world.emails["admin"])
    _save(client)
    client.submit("/admin/invitations", {"email": "new.person@example.org", "group_id": str(world.group_id),
                                         "role": "member"})
    mailbox.deliver()
    [message] = mailbox.to("new.person@example.org")
    assert "Red Global de Mujeres drafts joint statements together" in mailbox.body(message)


def test_the_word_file_carries_the_network_s_name_and_logo(app, client, world):
    client.login(world.emails["admin"])
    _save(client, logo=(io.BytesIO(_png((600, 60))), "logo.png"))
    with app.app_context():
        statement = open_statement(world)
        _export, content = make(statement, kind="docx")
    document, text = docx_text(content)
    assert "Red Global de Mujeres" in text
    [picture] = document.inline_shapes
    assert picture.width <= 4 * 360000 and abs(picture.width / picture.height - 10) < 0.1  # 4 cm wide at most


def test_the_network_s_time_zone_is_kept_and_a_made_up_one_refused(app, client, world):
    client.login(world.emails["admin"])
    assert _save(client, time_zone="Africa/Nairobi").status_code == 302
    with app.app_context():
        assert db.session.get(NetworkSettings, 1).time_zone == "Africa/Nairobi"
    refused = _save(client, name="Kept name", time_zone="Moon/Tranquility")
    assert refused.status_code == 400
    assert field_error(refused, "time_zone") == "Choose a time zone from the list."
    assert 'value="Kept name"' in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(NetworkSettings, 1).time_zone == "Africa/Nairobi"
