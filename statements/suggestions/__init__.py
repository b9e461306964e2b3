"""Suggested changes: proposed wording on a passage, discussed, supported, and accepted or rejected."""

from flask import Blueprint

bp = Blueprint("suggestions", __name__)

from statements.suggestions import views  # noqa: E402,F401  (routes register on bp)
