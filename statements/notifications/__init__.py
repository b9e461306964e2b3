"""Notifications: what happened that concerns a person, in the app and by mail (at once or in a daily digest)."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from statements.notifications import views  # noqa: E402,F401  (routes register on bp)
