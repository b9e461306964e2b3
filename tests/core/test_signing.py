"""Signed values made at less cost are the values itsdangerous and Flask make and read: each reads the other's."""

import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from uuid import UUID

import pytest

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from markupsafe import Markup

from statements.core.signing import QuickSerializer, QuickSessionInterface, QuickTaggedJSON

SHORT = {"csrf_token": "5f0c3a1e9b7d2c4f6a8e0b1d3c5e7f9a1b3d5c7e"}
LONG = {"csrf_token": "5f0c3a1e9b7d2c4f6a8e0b1d3c5e7f9a1b3d5c7e", "note": "loss and damage finance " * 20}


@pytest.mark.parametrize("value", [SHORT, LONG, "a token's secret", 1733450000.25])
def test_each_reads_what_the_other_signs(value):
    quick = QuickSerializer(["old secret", "current secret"], salt="wtf-csrf-token")
    plain = URLSafeTimedSerializer(["old secret", "current secret"], salt="wtf-csrf-token")
    assert plain.loads(quick.dumps(value), max_age=60) == value
    assert quick.loads(plain.dumps(value), max_age=60) == value
    assert quick.loads(quick.dumps(value)) == value


def test_a_payload_is_compressed_only_when_that_makes_it_shorter():
    quick = QuickSerializer("secret", salt="s")
    assert quick.dumps(LONG).startswith(".")  # (the mark of a compressed payload)
    assert not quick.dumps(SHORT).startswith(".")
    assert len(quick.dumps(LONG)) < len(URLSafeTimedSerializer("secret", salt="s").dumps(LONG)) + 8


def test_a_payload_too_short_to_gain_is_not_compressed_and_reads_alike():
    repeated = "a" * 40  # (zlib shortens it: itsdangerous compresses it, for a handful of bytes)
    quick, plain = QuickSerializer("secret", salt="s"), URLSafeTimedSerializer("secret", salt="s")
    assert plain.dumps(repeated).startswith(".")
    assert not quick.dumps(repeated).startswith(".")
    assert plain.loads(quick.dumps(repeated)) == quick.loads(plain.dumps(repeated)) == repeated


def test_values_signed_and_read_in_many_threads_at_once_are_each_their_own():
    quick = QuickSerializer(["old secret", "current secret"], salt="wtf-csrf-token")
    plain = URLSafeTimedSerializer(["old secret", "current secret"], salt="wtf-csrf-token")

    def sign_and_read(thread: int) -> bool:
        values = [{"csrf_token": f"{thread:04d}{each:036d}"} for each in range(200)]
        return all(quick.loads(quick.dumps(value)) == plain.loads(quick.dumps(value)) == value for value in values)

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(sign_and_read, range(8)))


def test_a_forged_value_another_salt_or_secret_or_an_old_one_is_refused():
    quick = QuickSerializer("secret", salt="signon-form-started")
    signed = quick.dumps(SHORT)
    payload, stamp, signature = signed.split(".")
    with pytest.raises(BadSignature):
        quick.loads(f"{payload}.{stamp}.{'A' + signature[1:] if signature[0] != 'A' else 'B' + signature[1:]}")
    with pytest.raises(BadSignature):
        QuickSerializer("secret", salt="wtf-csrf-token").loads(signed)
    with pytest.raises(BadSignature):
        QuickSerializer("another secret", salt="signon-form-started").loads(signed)
    old = URLSafeTimedSerializer("secret", salt="signon-form-started").dumps(SHORT)
    time.sleep(1.1)
    with pytest.raises(SignatureExpired):
        quick.loads(old, max_age=0)


def test_the_apps_session_cookie_is_flasks_own(app):
    assert isinstance(app.session_interface, QuickSessionInterface)
    flask_own = SecureCookieSessionInterface().get_signing_serializer(app)
    quick = app.session_interface.get_signing_serializer(app)
    assert flask_own.loads(quick.dumps(dict(LONG))) == LONG
    assert quick.loads(flask_own.dumps(dict(SHORT))) == SHORT


def test_a_cookie_signed_with_a_former_secret_key_is_still_read(app, monkeypatch):
    former = SecureCookieSessionInterface().get_signing_serializer(app).dumps(dict(SHORT))
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [app.secret_key])  # (the app is shared: put back after)
    monkeypatch.setitem(app.config, "SECRET_KEY", "a new secret key of enough length")
    assert app.session_interface.get_signing_serializer(app).loads(former) == SHORT
    assert SecureCookieSessionInterface().get_signing_serializer(app).loads(former) == SHORT


@pytest.mark.parametrize("value", [SHORT, LONG, "a token's secret"])
def test_a_value_is_signed_byte_for_byte_as_itsdangerous_signs_it(value):
    quick = QuickSerializer(["old secret", "current secret"], salt="wtf-csrf-token")
    plain = URLSafeTimedSerializer(["old secret", "current secret"], salt="wtf-csrf-token",
                                   signer_kwargs={"digest_method": hashlib.sha1})
    for _ in range(3):  # (both within the same second)
        second = int(time.time())
        made, expected = quick.dumps(value), plain.dumps(value)
        if int(time.time()) == second:
            break
    if isinstance(value, dict) and len(str(value)) > 200:
        assert quick.loads(made) == plain.loads(expected) == value  # (compressed with other settings: not equal)
    else:
        assert made == expected


@pytest.mark.parametrize("tampered", ["", ".", "..", "no dots at all", "a.b.c", "eyJhIjoxfQ..sig", "!!.!!.!!",
                                      "eyJhIjoxfQ.ZZZZZZ.c2ln", "e30.AAAAAA.", "\u00e9t\u00e9.x.y"])
def test_a_malformed_value_is_refused_as_itsdangerous_refuses_it(tampered):
    with pytest.raises(BadSignature):
        QuickSerializer("secret", salt="s").loads(tampered, max_age=60)
    with pytest.raises(BadSignature):
        URLSafeTimedSerializer("secret", salt="s").loads(tampered, max_age=60)


def test_a_value_signed_in_the_future_is_refused(monkeypatch):
    quick = QuickSerializer("secret", salt="s")
    monkeypatch.setattr(time, "time", lambda: 4_000_000_000.0)
    from_the_future = quick.dumps(SHORT)
    monkeypatch.undo()
    with pytest.raises(SignatureExpired):
        quick.loads(from_the_future, max_age=3600)
    assert quick.loads(from_the_future) == SHORT  # (without max_age, itsdangerous checks no age either)


def test_the_apps_signed_values_are_made_and_read_in_the_few_steps_not_through_itsdangerous(app, monkeypatch):
    """The session, the CSRF token and the start time a sign-on page gives: a sound value never goes through
    itsdangerous's own layers (which read again only what is amiss)."""
    from itsdangerous.serializer import Serializer

    from statements.signons.recent_pages import Signers
    from statements.signons.views import started_serializer

    signers = Signers(app, started_serializer)
    monkeypatch.setattr(Serializer, "dumps", lambda *args, **kwargs: pytest.fail("signed by itsdangerous"))
    monkeypatch.setattr(Serializer, "loads", lambda *args, **kwargs: pytest.fail("read by itsdangerous"))
    for serializer, value in ((signers.session, SHORT), (signers.csrf, "a token's secret"), (signers.started, 17.5)):
        assert serializer.loads(serializer.dumps(value), max_age=60) == value


#: sessions as the app writes them, and values the tags of Flask's serializer change or must keep apart
SESSIONS = [
    SHORT, LONG, {},
    {"csrf_token": "5f0c", "signon_check_email": {"slug": "loss-and-damage", "email": "maría@red-clima.org"}},
    {"_fresh": False, "_user_id": "12", "csrf_token": "5f0c", "language": "ar", "note": "خسائر وأضرار"},
    {"_flashes": [["error", "The statement closed."], ["message", "Saved."]], "n": 3, "ok": True, "none": None},
    {" t": "a dict that could be taken for a tag"}, {"outer": {" di": {"x": 1}}}, {" di": 1, "b": 2},
    {"_flashes": [("error", "a tuple")]}, {"data": b"bytes"}, {"html": Markup("<b>kept</b>")},
    {"at": datetime(2026, 12, 7, 16, 0, tzinfo=timezone.utc)}, {"id": UUID(int=7)}, {"ratio": 0.5},
    {"z": 1, "a": 2, "m": {"y": 1, "b": 2}}, ["a", "list", {"at": "top"}], "text", 12,
]


@pytest.mark.parametrize("session", SESSIONS)
def test_a_session_is_written_as_flasks_serializer_writes_it(session):
    quick, flasks = QuickTaggedJSON(), TaggedJSONSerializer()
    assert quick.dumps(session) == flasks.dumps(session)  # (outside an app: json's own settings)
    for app in _apps():
        with app.app_context():
            assert quick.dumps(session) == flasks.dumps(session)
            assert quick.loads(quick.dumps(session)) == flasks.loads(flasks.dumps(session))


def _apps() -> list[Flask]:
    """An app as made by default, apps whose JSON settings differ, and one with a JSON provider of its own."""
    default, unsorted, unicode = Flask("default"), Flask("unsorted"), Flask("unicode")
    unsorted.json.sort_keys = False
    unicode.json.ensure_ascii = False

    class Spaced(DefaultJSONProvider):
        def dumps(self, obj, **kwargs):
            return super().dumps(obj, **kwargs) + " "

    own = Flask("own")
    own.json = Spaced(own)
    return [default, unsorted, unicode, own]


def test_the_session_interface_writes_cookies_flask_reads():
    app = Flask("cookies")
    app.secret_key = "current secret"
    session = {"csrf_token": "5f0c", "signon_check_email": {"slug": "s", "email": "maria@red-clima.org"}}
    with app.app_context():
        cookie = QuickSessionInterface().get_signing_serializer(app).dumps(session)
        assert SecureCookieSessionInterface().get_signing_serializer(app).loads(cookie) == session
