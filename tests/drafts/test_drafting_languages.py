"""A coordinator reads and drafts a statement in Spanish or Arabic: the pages, the conflict page,
the history and the flashes speak the reader's language; the statement's own text keeps its own."""

import re

import pytest

from tests.drafts.pages import flashes, hidden, stored_revision, stored_text
from tests.core.test_i18n import page_language

SPANISH = {"Accept-Language": "es"}
ARABIC = {"Accept-Language": "ar"}


def opening_tag(page: str, marker: str) -> str:
    return re.search(rf"<[a-z]+\b[^>]*{marker}[^>]*>", page).group(0)


@pytest.mark.parametrize("headers, language, direction, words", [
    (SPANISH, "es", "ltr", ["Versión 2, de Coordinator Person", "Historial", "Comentarios", "Próximos pasos",
                            "Para comentar un pasaje, selecciona sus palabras", "1 abiertos"]),
    # an English name in an Arabic sentence is isolated, so it does not scramble the words around it
    (ARABIC, "ar", "rtl", ["النسخة 2 بقلم <bdi>Coordinator Person</bdi>", "السجل", "التعليقات", "الخطوات التالية",
                           "للتعليق على مقطع، حدّد كلماته", "1 مفتوحة"]),
])
def test_the_statement_page_speaks_the_reader_s_language_around_the_statement_s_own(
        app, client, world, headers, language, direction, words):
    client.login(world.emails["coordinator"])
    response = client.get(f"/statements/{world.statement_id}", headers=headers)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and page_language(response) == (language, direction)
    for word in words:
        assert word in page
    assert "Revision 2" not in page and "Next steps" not in page
    # the statement is written in English: it says so, whatever the interface's direction
    assert 'lang="en" dir="ltr"' in opening_tag(page, 'id="statement-text"')
    # the date names the month in the reader's language
    created = stored_revision(app, world.statement_id, 2)["created_at"]
    with app.test_request_context(headers=headers):
        from statements.core.templating import format_datetime as shown  # the shared date filter

        assert shown(created) in page


def test_a_state_and_a_lifecycle_step_read_in_spanish(client, world):
    client.login(world.emails["coordinator"])
    response = client.submit(f"/statements/{world.statement_id}/transition", {"to": "comment_period"},
                             headers=SPANISH)
    page = client.get(response.headers["Location"], headers=SPANISH).get_data(as_text=True)
    assert "El período de comentarios está abierto: se invita a los miembros a comentar." in flashes(page)
    assert re.search(r'<span class="state state-comment_period">([^<]+)</span>', page).group(1) == "Período de comentarios"
    assert "Coordinator Person la pasó a <strong>período de comentarios</strong>" in page


def test_saving_in_spanish_flashes_in_spanish_and_the_history_reads_in_spanish(app, client, world):
    client.login(world.emails["member"])
    text = stored_text(app, world.statement_id) + "\n\nStates must act this year.\n"
    response = client.submit(f"/statements/{world.statement_id}/edit",
                             {"base": "2", "text": text, "note": "Plazo"}, headers=SPANISH)
    assert response.status_code == 302
    page = client.get(response.headers["Location"], headers=SPANISH).get_data(as_text=True)
    assert flashes(page) == ["Guardado como versión 3."]

    history = client.get(f"/statements/{world.statement_id}/history", headers=SPANISH).get_data(as_text=True)
    for words in ("Cada vez que se guardó, de la más reciente a la más antigua.", "Quién y cuándo",
                  ">Versión 3</a>", "Comparar las versiones elegidas", "Plazo"):
        assert words in history
    assert "Who and when" not in history


@pytest.mark.parametrize("headers, language, direction, words", [
    (SPANISH, "es", "ltr", ["Tus cambios aún no se guardaron: Coordinator Person guardó la versión 3 mientras "
                            "editabas y cambió el mismo pasaje que tú (1 lugar).",
                            "La versión 3 comparada con tu texto", "Guardar mi texto resuelto",
                            "Descartar mis cambios", "Si guardas ahora, se guarda sobre la versión 3."]),
    (ARABIC, "ar", "rtl", ["لم تُحفظ تعديلاتك بعد: حفظ <bdi>Coordinator Person</bdi> النسخة 3 أثناء تحريرك، وغيّر المقطع "
                           "نفسه الذي غيّرته (موضع واحد).", "النسخة 3 مقارنةً بنصك", "احفظ نصي بعد حلّ التعارض"]),
])
def test_the_conflict_page_explains_itself_in_the_reader_s_language_and_keeps_the_text(
        app, client, make_client, world, headers, language, direction, words):
    other = make_client()
    other.login(world.emails["coordinator"])
    text = stored_text(app, world.statement_id)
    other.submit(f"/statements/{world.statement_id}/edit",
                 {"base": "2", "text": text.replace("legal protection", "lawful protection")})
    client.login(world.emails["member"])
    mine = text.replace("legal protection", "full legal protection")
    response = client.submit(f"/statements/{world.statement_id}/edit", {"base": "2", "text": mine}, headers=headers)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and page_language(response) == (language, direction)
    for word in words:
        assert word in page
    assert hidden(page, "base") == "3"
    # the text box holds the statement's language, not the interface's
    assert 'lang="en"' in opening_tag(page, 'name="text"') and 'dir="ltr"' in opening_tag(page, 'name="text"')


def test_the_edit_page_in_arabic_labels_its_fields_and_keeps_the_text_left_to_right(client, world):
    client.login(world.emails["member"])
    response = client.get(f"/statements/{world.statement_id}/edit", headers=ARABIC)
    page = response.get_data(as_text=True)
    assert page_language(response) == ("ar", "rtl")
    for words in ("أنت تحرّر انطلاقًا من النسخة 2.", "النص (Markdown)", "ما الذي غيّرته؟", ">حفظ<", ">معاينة<"):
        assert words in page
    assert 'dir="ltr"' in opening_tag(page, 'name="text"')


@pytest.mark.parametrize("headers, language, direction, words", [
    (SPANISH, "es", "ltr", ["Hilo sobre un pasaje", "Responder", "Publicar la respuesta", "Marcar el hilo como resuelto",
                            "Todos los comentarios de esta declaración", "Abierto"]),
    (ARABIC, "ar", "rtl", ["نقاش حول مقطع", "انشر الرد", "وضع علامة «محلول» على النقاش", "كل التعليقات على هذا البيان"]),
])
def test_a_comment_thread_reads_in_the_reader_s_language_and_quotes_in_the_statement_s(
        client, world, headers, language, direction, words):
    client.login(world.emails["coordinator"])
    response = client.get(f"/threads/{world.thread_id}", headers=headers)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and page_language(response) == (language, direction)
    for word in words:
        assert word in page
    assert "Reply" not in page and "Thread on a passage" not in page
    assert 'lang="en" dir="ltr"' in opening_tag(page, 'class="quote"')


def test_a_refusal_from_the_service_is_in_the_reader_s_language(client, world):
    client.login(world.emails["coordinator"])
    response = client.get(f"/statements/{world.statement_id}/compare?from=abc", headers=SPANISH)
    assert "«abc» no es un número de versión. Elige las versiones en el historial." in response.get_data(as_text=True)
    response = client.submit(f"/threads/{world.thread_id}/replies", {"body": "  "}, headers=SPANISH)
    assert response.status_code == 400
    assert "Escribe un comentario antes de enviarlo." in response.get_data(as_text=True)


def test_talking_points_read_in_spanish(client, world):
    client.login(world.emails["coordinator"])
    page = client.get(f"/groups/{world.group_id}/points", headers=SPANISH).get_data(as_text=True)
    for words in ("<h1>Puntos clave</h1>", "Proponer un punto clave", "Cualquier estado", ">Propuesto<"):
        assert words in page
    response = client.submit(f"/points/{world.point_id}/status", {"status": "agreed"}, headers=SPANISH)
    page = client.get(response.headers["Location"], headers=SPANISH).get_data(as_text=True)
    assert "El punto clave ahora está «acordado»." in flashes(page)
