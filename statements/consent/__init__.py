"""Consent rounds: the member organizations of a group state their position on a text before it is final."""

from flask import Blueprint

bp = Blueprint("consent", __name__)

from statements.consent import views  # noqa: E402,F401  (routes register on bp)
