"""The export pages and the network's settings page in the reader's language: Spanish and Arabic (right
to left), with the draft mark of a file in another language marked as such."""

import io
import re

from PIL import Image

from tests.export.build import make, open_statement

SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}
ARABIC = {"Accept-Language": "ar"}
FRENCH = {"Accept-Language": "fr"}


def _png(size=(240, 80)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_the_export_page_speaks_spanish_and_marks_the_english_draft_mark(client, world):
    client.login(world.emails["coordinator"])

    page = client.get(f"/statements/{world.statement_id}/export", headers=SPANISH).get_data(as_text=True)
    assert '<html lang="es" dir="ltr">' in page
    assert "<h2>Exportar la declaración con sus firmantes</h2>" in page
    assert ("El texto no es definitivo: el archivo llevará la marca «<span lang=\"en\" dir=\"ltr\">DRAFT</span>» "
            "en cada página (versión 2).") in page
    for words in ("Agrupados por país", "Una sola lista alfabética", "Carta (EE. UU.)", "Generar el archivo",
                  "Vista de impresión en el navegador", "PDF, para enviar o publicar"):
        assert words in page
    assert "Make the file" not in page and "Grouped by country" not in page


def test_the_export_page_speaks_arabic_right_to_left(client, world):
    client.login(world.emails["coordinator"])

    page = client.get(f"/statements/{world.statement_id}/export", headers=ARABIC).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "<h2>تصدير البيان مع الموقّعين عليه</h2>" in page
    assert "«<span lang=\"en\" dir=\"ltr\">DRAFT</span>»" in page
    assert "إنشاء الملف" in page and "مجمّعون حسب البلد" in page


def test_the_progress_page_says_the_file_is_ready_with_its_pages_in_spanish(app, client, world):
    with app.app_context():
        export, _ = make(open_statement(world))
        export_id = export.id
    client.login(world.emails["coordinator"])

    page = client.get(f"/exports/{export_id}", headers=SPANISH).get_data(as_text=True)
    assert "<h1>Su archivo está listo</h1>" in page
    assert "Descargar protection-for-people-who-move.pdf" in page
    assert re.search(r"PDF, 2 páginas, \d+ KB\.", page), page
    arabic = client.get(f"/exports/{export_id}", headers=ARABIC).get_data(as_text=True)
    assert "<h1>ملفك جاهز</h1>" in arabic and re.search(r"PDF، صفحتان، \d+ كيلوبايت\.", arabic)


def test_the_network_page_refuses_a_logo_in_french_with_its_numbers_written_the_french_way(app, client, world):
    client.login(world.emails["admin"])

    answer = client.submit("/admin/network", {"name": "Réseau", "logo": (io.BytesIO(_png((5000, 4000))), "logo.png")},
                           content_type="multipart/form-data", headers=FRENCH)
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "Le logo a trop de pixels. Utilisez-en un de moins de 4\u202f000 × 4\u202f000." in page
    assert "Le nom du réseau, tel qu’il est imprimé sur les déclarations" in page


def test_the_network_page_saves_in_arabic(client, world):
    client.login(world.emails["admin"])

    answer = client.submit("/admin/network", {"name": "الشبكة العالمية", "logo": (io.BytesIO(_png()), "logo.png")},
                           content_type="multipart/form-data", headers=ARABIC)
    assert answer.status_code == 302
    page = client.get("/admin/network", headers=ARABIC).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "تم الحفظ. تستخدم الصفحات والرسائل والملفات المصدَّرة الجديدة هذا الاسم وهذا الشعار." in page
    assert 'alt="شعار الشبكة العالمية الحالي"' in page and "<h1>اسم الشبكة وشعارها</h1>" in page
