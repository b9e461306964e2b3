"""A burst of sign-ons sent at the same moment, some valid and some not: exactly the valid ones are stored,
each refused one comes back with its answers and the message that says what to change, and none gets a 500."""

import threading

from sqlalchemy import select

from statements.extensions import db
from statements.mail.models import OutboxMessage
from tests.signons.pages import field_error, form, signons, text_of, typed

#: how each kind of bad sign-on is sent, and the field whose message says what to change
REFUSED = {
    "no name": ({"organization_name": ""}, "organization_name"),
    "not an address": ({"contact_email": "maria at trabajadoras"}, "contact_email"),
    "no such country": ({"country": "XX"}, "country"),
    "not authorized": ({"authorized": None}, "authorized"),
    "a name too long": ({"organization_name": "N" * 5000}, "organization_name"),
}


def test_a_burst_mixing_valid_and_invalid_sign_ons_stores_exactly_the_valid_ones(app, make_client, world,
                                                                                   monkeypatch):
    monkeypatch.setitem(app.config, "SIGNON_LIMIT_PER_ADDRESS", "1000 per minute")
    sends = []
    for number in range(10):
        sends.append(("valid", {"organization_name": f"Cooperativa Número {number}",
                                "contact_email": f"office{number}@coop{number}.example.org"}, None))
    for number, (kind, (changes, field)) in enumerate(REFUSED.items()):
        sends.append((kind, {"contact_email": f"bad{number}@bad{number}.example.org", **changes}, field))
    sends.append(("a bot", {"organization_name": "Bot Collective", "contact_email": "bot@bot.example.org",
                            "nickname": "filled in"}, None))
    clients = [make_client() for _ in sends]
    tokens = [client.csrf_token() for client in clients]
    start = threading.Barrier(len(sends), timeout=20)
    answers: dict[int, object] = {}

    def send(index: int):
        kind, fields, _ = sends[index]
        data = form(**fields, csrf_token=tokens[index])
        start.wait()
        answers[index] = clients[index].post(f"/s/{world.signon_slug}/sign", data=data)

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(sends))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert len(answers) == len(sends)
    for index, (kind, fields, field) in enumerate(sends):
        answer = answers[index]
        if kind == "valid":
            assert answer.status_code == 302, (kind, text_of(answer)[:500])
            continue
        assert answer.status_code == 400, (kind, answer.status_code)
        if field is not None:
            assert field_error(answer, field), f"{kind}: no message beside {field}"
        # what they typed comes back, for them to correct
        assert typed(answer, "contact_email") == fields["contact_email"] or kind == "not an address"
    with app.app_context():
        stored = sorted(s.organization_name for s in signons())
        assert stored == sorted(f"Cooperativa Número {number}" for number in range(10))
        queued = db.session.scalars(select(OutboxMessage.to_address)).all()
        assert sorted(queued) == sorted(f"office{number}@coop{number}.example.org" for number in range(10))
