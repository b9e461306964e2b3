"""Signed values (the session cookie, a form's CSRF token and start time) made and read as itsdangerous makes and
reads them, at a fraction of the cost of each.

A first visit to a sign-on page gets three signed values and a sign-on reads them back and signs its session
again: seven signed values for every signatory. itsdangerous, as Flask and Flask-WTF use it, spends most of each
on work that gives the same result every time: it derives the signing key from the secret and the salt again
for every value, computes each HMAC through Python's own HMAC (Flask and itsdangerous name SHA-1 through a
Python function, which the fast path of `hmac` does not take), and tries zlib on every payload with a
compressor whose tables (about 256 kB) cost more to set up than a short value costs to sign. Here the key is
derived once per secret and salt, the HMAC is OpenSSL's, started once per key and copied for each value (OpenSSL
finds the digest by its name at every start), and a payload is compressed with a small window and little memory,
still only when that makes it shorter, and not tried on one too short to gain much (a sign-on page's token,
start time and session); and a value is signed, or read when all is well with it,
in a few steps rather than through itsdangerous's layers of objects (anything amiss is read again by
itsdangerous itself, which raises its own error). The values are the same HMAC-SHA1 signatures over the same
payloads: plain itsdangerous reads what is made here, and this reads what it makes.
"""

import hashlib
import hmac
import json
import time
import zlib
from functools import lru_cache

from flask import Flask, current_app, has_app_context
from flask.json.provider import DefaultJSONProvider
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import Signer, TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_decode, base64_encode, bytes_to_int, int_to_bytes, want_bytes
from itsdangerous.serializer import Serializer

#: a payload shorter than this is not compressed: zlib adds 6 bytes of its own, a few dozen bytes of JSON (a token's
#: secret in hex, a time) hold too few repeats to win them back, and the few dozen a session of a hundred or two
#: might save cost more to find than the rest of its signing (itsdangerous reads a payload either way)
_SHORTEST_TRIED = 256
#: a payload is compressed over a window of 2**9 bytes with zlib's smallest memory: a session is a few hundred
#: bytes at most, and a token a few dozen, so a larger window finds nothing more while costing far more to set up
_WINDOW_BITS, _MEMORY_LEVEL = 9, 1


@lru_cache(maxsize=256)
def _derived_key(secret_key: bytes, salt: bytes, key_derivation: str, digest_method) -> bytes:
    return Signer(secret_key, salt=salt, key_derivation=key_derivation, digest_method=digest_method).derive_key()


class KeptKeySigner(TimestampSigner):
    """itsdangerous's timestamp signer, deriving each key once per secret and salt."""

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        key = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        return _derived_key(key, self.salt, self.key_derivation, self.digest_method)


class QuickSerializer(URLSafeTimedSerializer):
    """`URLSafeTimedSerializer` with `KeptKeySigner`, SHA-1 by OpenSSL (the same default digest) and a cheap
    compressor: the same values, read and made as it reads and makes them."""

    default_signer = KeptKeySigner

    def __init__(self, secret_key, salt: str | bytes | None = b"itsdangerous", **options):
        signer_options = options.pop("signer_kwargs", None) or {}
        signer_options.setdefault("digest_method", hashlib.sha1)
        super().__init__(secret_key, salt, signer_kwargs=signer_options, **options)
        signer = self.make_signer()
        #: an HMAC started with each signing key, newest first, when values are signed as the few steps below sign
        #: them (else None); itsdangerous keeps the separator as bytes
        self._macs = [_started_mac(signer.derive_key(key)) for key in reversed(signer.secret_keys)] \
            if type(signer) is KeptKeySigner and signer.digest_method is hashlib.sha1 \
            and want_bytes(signer.sep) == b"." and not self.fallback_signers else None

    def dumps(self, obj, salt: str | bytes | None = None) -> str:
        if self._macs is None or salt is not None:
            return super().dumps(obj, salt)
        value = self.dump_payload(obj) + b"." + base64_encode(int_to_bytes(int(time.time())))
        return (value + b"." + base64_encode(_signature(self._macs[0], value))).decode("ascii")

    def loads(self, s, max_age: int | None = None, return_timestamp: bool = False, salt: str | bytes | None = None):
        if self._macs is None or salt is not None or return_timestamp:
            return super().loads(s, max_age, return_timestamp, salt)
        signed = want_bytes(s)
        value, _, signature = signed.rpartition(b".")
        payload, _, stamp = value.rpartition(b".")
        try:
            given, signed_at = base64_decode(signature), bytes_to_int(base64_decode(stamp))
        except Exception:  # noqa: BLE001 (itsdangerous says what is wrong with it)
            return super().loads(s, max_age)
        computed = [_signature(mac, value) for mac in self._macs]
        if not payload or not any(hmac.compare_digest(given, each) for each in computed) \
                or (max_age is not None and not 0 <= int(time.time()) - signed_at <= max_age):
            return super().loads(s, max_age)  # (raises the error itsdangerous gives)
        return self.load_payload(payload)

    def dump_payload(self, obj) -> bytes:
        json = Serializer.dump_payload(self, obj)
        if len(json) < _SHORTEST_TRIED:
            return base64_encode(json)
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, _WINDOW_BITS, _MEMORY_LEVEL)
        compressed = compressor.compress(json) + compressor.flush()
        if len(compressed) < len(json) - 1:  # (as itsdangerous decides, and marks, a compressed payload)
            return b"." + base64_encode(compressed)
        return base64_encode(json)


@lru_cache(maxsize=256)
def _started_mac(key: bytes):
    """An HMAC-SHA1 started with `key`, never updated itself: each value's is a copy (`_signature`), so one serves
    every serializer and thread signing with that key (a session's serializer is made for each request)."""
    return hmac.new(key, digestmod=hashlib.sha1)


def _signature(started, value: bytes) -> bytes:
    """The HMAC of `value`, from an HMAC started with the key."""
    mac = started.copy()
    mac.update(value)
    return mac.digest()


class QuickTaggedJSON(TaggedJSONSerializer):
    """Flask's session serializer, writing a session of plain values (text, whole numbers, booleans, None, and lists
    and dicts of them, keyed by text) with an encoder made once: the same JSON, without tagging each value first
    and making an encoder for each session, which cost a sign-on's session several times the writing."""

    def dumps(self, value) -> str:
        encoder = _plain_encoder()
        if encoder is not None and self._plain(value):
            return encoder.encode(value)
        return super().dumps(value)

    def _plain(self, value) -> bool:
        """Whether the tags leave `value` as it is: no value they tag, no dict that could be taken for a tag."""
        kind = type(value)
        if kind in _SCALARS:
            return True
        if kind is dict:
            return not (len(value) == 1 and next(iter(value)) in self.tags) and all(
                type(key) is str and (type(item) in _SCALARS or self._plain(item)) for key, item in value.items())
        return kind is list and all(type(item) in _SCALARS or self._plain(item) for item in value)


#: the values Flask's tags leave as they are, and JSON writes alike whatever the settings
_SCALARS = frozenset({str, int, bool, type(None)})


def _plain_encoder() -> json.JSONEncoder | None:
    """The encoder `flask.json.dumps` would use for plain values, as Flask's session serializer calls it: the app's
    default provider's settings, json's own outside an app; None for a provider of the app's own."""
    if not has_app_context():  # (asked directly: the proxy's own answer costs several times more)
        return _compact_encoder(True, False)
    provider = current_app._get_current_object().json
    if type(provider) is not DefaultJSONProvider:
        return None
    return _compact_encoder(bool(provider.ensure_ascii), bool(provider.sort_keys))


@lru_cache(maxsize=4)
def _compact_encoder(ensure_ascii: bool, sort_keys: bool) -> json.JSONEncoder:
    return json.JSONEncoder(separators=(",", ":"), ensure_ascii=ensure_ascii, sort_keys=sort_keys)


class QuickSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, signed by `QuickSerializer` and written by `QuickTaggedJSON`: the same
    cookies, with the same secret keys."""

    digest_method = staticmethod(hashlib.sha1)
    serializer = QuickTaggedJSON()

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        keys = [*(app.config["SECRET_KEY_FALLBACKS"] or []), app.secret_key]  # (the current key last, as Flask has it)
        return QuickSerializer(keys, salt=self.salt, serializer=self.serializer,
                               signer_kwargs={"key_derivation": self.key_derivation,
                                              "digest_method": self.digest_method})
