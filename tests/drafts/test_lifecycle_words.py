"""Every state a statement passes through is named in words on its pages, never by its internal code."""

import re

import pytest

from tests.signons.pages import plain

CODES = re.compile(r"\b(signon[ _]open|signon[ _]closed|signon|comment_period|comment period_|published_)\b")


@pytest.mark.parametrize("language, names", [
    ("en", ["Comment period", "Final", "Sign-on open", "Sign-on closed", "Published"]),
    ("es", ["Período de comentarios", "Final", "Adhesiones abiertas", "Adhesiones cerradas", "Publicada"]),
])
def test_each_state_is_named_in_words_in_the_header_and_the_lifecycle_panel(client, world, language, names):
    client.login(world.emails["coordinator"])
    client.submit("/language", {"language": language})
    statement = f"/statements/{world.statement_id}"
    steps = [lambda: client.submit(f"{statement}/comment-period", {"ends_date": "", "ends_time": "18:00",
                                                                  "time_zone": "UTC", "at_the_end": "remind"}),
             lambda: client.submit(f"{statement}/transition", {"to": "final", "confirmed": "yes"}),
             lambda: client.submit(f"{statement}/signon/open", {"deadline_date": "", "deadline_time": "23:59",
                                                                "timezone": "UTC", "closing_message": ""}),
             lambda: client.submit(f"{statement}/transition", {"to": "signon_closed"}),
             lambda: client.submit(f"{statement}/transition", {"to": "published", "confirmed": "yes"})]
    for step, name in zip(steps, names):
        assert step().status_code == 302
        page = client.get(statement).get_data(as_text=True)
        words = plain(page)
        assert f'<span class="state state-' in page and name in words, name
        assert not CODES.search(words), CODES.search(words).group(0)
        panel = words.split("Lifecycle" if language == "en" else "Etapas", 1)[1]
        assert name.lower() in panel.lower()
