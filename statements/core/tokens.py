"""Signed, expiring tokens for links sent by email. Single use is enforced by what they point at."""

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from statements.core.errors import InvalidToken


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"statements:{purpose}")


def make_token(purpose: str, payload: dict) -> str:
    """Sign a payload for one purpose."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age_seconds: int | None) -> dict:
    """Return the payload of a token, or raise InvalidToken saying why it cannot be used.

    max_age_seconds=None leaves the age to what the token points at (which must then check it).
    """
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise InvalidToken(_("This link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise InvalidToken(_(
            "This link is not valid. Check that you copied the whole address from the email, or ask for a new one."
        )) from None
    if not isinstance(payload, dict):
        raise InvalidToken(_("This link is not valid. Ask for a new one."))
    return payload
