"""The demo has a statement with a Spanish and a French version, the French one a paragraph behind."""

from sqlalchemy import select

from statements.drafts.models import Statement
from statements.extensions import db
from statements.translating import services as translating
from tests.operations.installations import databases  # noqa: F401  (the fixture)


def test_the_demo_statement_has_a_spanish_version_up_to_date_and_a_french_one_a_paragraph_behind(databases):
    from statements.demo import load_demo

    app = databases.app(databases.sqlite("demo"))
    with app.app_context():
        load_demo()
        db.session.commit()
        source = db.session.scalar(select(Statement).where(Statement.slug == "no-one-left-behind"))
        states = {state.translation.language: state for state in translating.translation_states(source)}
        assert set(states) == {"es", "fr"}
        assert states["es"].up_to_date
        assert (states["fr"].behind, states["fr"].missing) == (1, 0)
        behind = [p for p in translating.paragraph_standings(states["fr"].translation) if p.standing == "behind"]
        assert [p.source for p in behind] == ["Floods, droughts and rising seas are forcing families from their "
                                              "homes. Most never return home."]


def test_the_demo_sign_on_statement_reads_in_spanish_and_arabic_too(databases):
    from statements.demo import load_demo

    app = databases.app(databases.sqlite("demo"))
    with app.app_context():
        load_demo()
        db.session.commit()
    client = app.test_client()
    page = client.get("/s/loss-and-damage").get_data(as_text=True)
    assert 'hreflang="es"' in page and 'hreflang="ar"' in page
    arabic = client.get("/s/loss-and-damage-ar")
    assert arabic.status_code == 200
    assert '<html lang="ar" dir="rtl">' in arabic.get_data(as_text=True)
    versions = client.get("/api/v1/statements/loss-and-damage-es").get_json()["versions"]
    assert [(v["language"], v["source"]) for v in versions] == [("en", True), ("ar", False), ("es", False)]
