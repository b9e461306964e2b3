"""Revisions stored as deltas: exact round trips in any script, and line endings made uniform."""

import pytest
from sqlalchemy import select

from statements.drafts import services
from statements.drafts.deltas import apply_delta, make_delta
from statements.drafts.models import SNAPSHOT_EVERY, Revision
from statements.extensions import db
from tests.factories import make_group, make_statement, make_user

PAIRS = [
    ("", ""),
    ("", "Texte initial."),
    ("Texte initial.", ""),
    ("Same text.", "Same text."),
    ("Workers 👩🏽‍🌾 first", "Workers 👩🏽‍🌾 and families 🌍 first 𝄞"),
    ("😀😀😀", "😀😀"),
    ("𝕬𝖇𝖈 🌍", "🌍 𝕬𝖇𝖈 🌍"),
    ("نطالب بالحماية للنازحين بسبب المناخ.", "نطالب بالحماية القانونية للنازحين بسبب تغير المناخ."),
    ("Chúng tôi yêu cầu bảo vệ người lao động.", "Chúng tôi yêu cầu bảo vệ mọi người lao động di cư."),
    # the same Vietnamese words with combining marks (decomposed), as some keyboards send them
    ("Tie\u0302\u0301ng Vie\u0323\u0302t", "Tie\u0302\u0301ng Vie\u0323\u0302t co\u0301 da\u0302\u0301u"),
    ("気候移民 に 保護 を", "気候移民 に 法的 保護 を 今"),
    ("100% sure & <b>bold</b> +plus =equal\t-minus", "100 % sure &amp; <i>it</i> +plus =eq\t-minus %20"),
    ("line one\r\nline two\r\n", "line one\nline two\r\nline three\r\n"),
]


@pytest.mark.parametrize("old, new", PAIRS)
def test_a_delta_turns_the_old_text_into_the_new_exactly(old, new):
    assert apply_delta(old, make_delta(old, new)) == new


def test_a_small_change_to_a_long_text_makes_a_small_delta():
    old = "\n\n".join(f"Paragraph {n}: people displaced by climate change need protection." for n in range(2000))
    new = old.replace("Paragraph 1000:", "Paragraph 1000 (amended):")
    delta = make_delta(old, new)
    assert len(delta) < 100
    assert apply_delta(old, delta) == new


TEXTS = [
    "# Protection\n\nPeople displaced by climate change need protection.",
    "# Protection 🌍\n\nPeople displaced by climate change need protection.",
    "# Protection 🌍\n\nنطالب بالحماية. People displaced by climate change need protection.",
    "# Protección 🌍\n\nنطالب بالحماية.\n\nChúng tôi yêu cầu bảo vệ người lao động.",
    "# Protección 🌍👩🏽‍🌾\n\nنطالب بالحماية القانونية.\n\nChúng tôi yêu cầu bảo vệ.",
]


def test_texts_rebuilt_from_snapshots_and_deltas_are_exact(app):
    count = 2 * SNAPSHOT_EVERY + 5
    texts = [TEXTS[n % len(TEXTS)] + f"\n\nRevision {n} ✊🏾" * (n % 3) for n in range(count)]
    with app.app_context():
        author, group = make_user(), make_group()
        statement = make_statement(author, group, "Deltas", texts)
        db.session.commit()
        statement_id = statement.id
    services._text_cache.clear()
    with app.app_context():
        revisions = db.session.scalars(select(Revision).where(Revision.statement_id == statement_id)
                                       .order_by(Revision.number)).all()
        assert [r.number for r in revisions] == list(range(1, count + 1))
        assert [r.number for r in revisions if r.is_snapshot] == [1, SNAPSHOT_EVERY + 1, 2 * SNAPSHOT_EVERY + 1]
        assert all(r.content != texts[r.number - 1] for r in revisions if not r.is_snapshot and r.number > 1)
        for revision in reversed(revisions):  # newest first, so no text comes from the cache
            assert services.revision_text(revision) == texts[revision.number - 1]


def test_the_service_saves_windows_line_endings_as_plain_line_breaks(app, client, world):
    client.login(world.emails["member"])
    typed = "# Title\r\n\r\nFirst paragraph 🌍.\r\n\r\nنطالب بالحماية.\r\n"
    response = client.submit(f"/statements/{world.statement_id}/edit", {"base": "2", "text": typed, "note": "CRLF"})
    assert response.status_code == 302
    services._text_cache.clear()
    with app.app_context():
        revision = db.session.scalar(select(Revision).where(Revision.statement_id == world.statement_id,
                                                            Revision.number == 3))
        assert services.revision_text(revision) == typed.replace("\r\n", "\n")
    # the same text sent again, with either line ending, is nothing new
    for text in (typed, typed.replace("\r\n", "\n")):
        again = client.submit(f"/statements/{world.statement_id}/edit", {"base": "3", "text": text, "note": ""},
                              follow_redirects=True)
        assert "There was nothing to save" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Revision.id))
                                 .where(Revision.statement_id == world.statement_id)) == 3
