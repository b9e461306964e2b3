"""An Arabic statement's text runs right to left wherever it is shown or typed; the page around it, and
an English statement, run left to right."""

from statements.accounts.models import User
from statements.comments import services as comments
from statements.drafts import services as drafts
from statements.drafts.models import Statement
from statements.extensions import db
from tests.drafts.pages import opening_tags

ARABIC_TEXT = "## نطالب\n\nيجب أن يصل تمويل الخسائر والأضرار إلى الناس الذين يتنقلون."
ARABIC_TITLE = "تمويل الخسائر والأضرار"


def arabic_statement(app, client, world) -> int:
    """An Arabic statement with two revisions, and a comment on one of its passages."""
    client.login(world.emails["coordinator"])
    response = client.submit(f"/groups/{world.group_id}/statements/new", {
        "title": ARABIC_TITLE, "slug": "loss-and-damage-ar", "language": "ar", "summary": "", "text": ARABIC_TEXT})
    assert response.status_code == 302
    with app.app_context():
        statement = db.session.scalar(db.select(Statement).where(Statement.slug == "loss-and-damage-ar"))
        coordinator = db.session.get(User, world.user_ids["coordinator"])
        drafts.save_revision(coordinator, statement, 1, ARABIC_TEXT + "\n\n- فتح مسارات نظامية.", "")
        comments.open_thread(coordinator, statement, "؟", "تمويل الخسائر", statement.latest_number,
                             drafts.current_text(statement))
        db.session.commit()
        return statement.id


def test_an_arabic_statement_runs_right_to_left_and_its_page_does_not(app, client, world):
    statement_id = arabic_statement(app, client, world)

    page = client.get(f"/statements/{statement_id}").get_data(as_text=True)
    assert opening_tags(page, 'id="statement-text"')[0].count('lang="ar" dir="rtl"') == 1
    assert opening_tags(page, 'class="quote"') == ['<blockquote class="quote" lang="ar" dir="rtl">']
    assert f'<h1 dir="auto">{ARABIC_TITLE}</h1>' in page
    assert '<html lang="en" dir="ltr">' in page and 'dir="rtl"' not in page.split("<main", 1)[0]  # menus stay as they are

    revision = client.get(f"/statements/{statement_id}/revisions/1").get_data(as_text=True)
    assert opening_tags(revision, 'class="statement-text')[0] == (
        '<article class="statement-text card" lang="ar" dir="rtl">')

    compare = client.get(f"/statements/{statement_id}/compare?from=1&to=2&view=side").get_data(as_text=True)
    cells = opening_tags(compare, "<td")
    assert cells and set(cells) == {'<td lang="ar" dir="rtl">'}
    inline = client.get(f"/statements/{statement_id}/compare?from=1&to=2&view=inline").get_data(as_text=True)
    assert opening_tags(inline, 'class="diff-row')[0].endswith(' lang="ar" dir="rtl">')
    rendered = client.get(f"/statements/{statement_id}/compare?from=1&to=2").get_data(as_text=True)
    assert opening_tags(rendered, 'class="statement-text')[0] == (
        '<article class="statement-text card diff-rendered" lang="ar" dir="rtl">')


def test_the_arabic_text_is_typed_right_to_left_and_previewed_so(app, client, world):
    statement_id = arabic_statement(app, client, world)

    page = client.get(f"/statements/{statement_id}/edit").get_data(as_text=True)
    editor = opening_tags(page, 'name="text"')[0]
    assert 'dir="rtl"' in editor and 'lang="ar"' in editor
    assert 'lang="ar" dir="rtl"' in opening_tags(page, 'id="preview"')[0]
    assert 'dir="rtl"' not in opening_tags(page, 'name="note"')[0]  # the note is the writer's, in any language


def test_an_english_statement_runs_left_to_right(client, world):
    client.login(world.emails["member"])

    page = client.get(f"/statements/{world.statement_id}").get_data(as_text=True)
    assert 'lang="en" dir="ltr"' in opening_tags(page, 'id="statement-text"')[0]
    assert 'dir="rtl"' not in page
    editor = opening_tags(client.get(f"/statements/{world.statement_id}/edit").get_data(as_text=True),
                          'name="text"')[0]
    assert 'dir="ltr"' in editor
