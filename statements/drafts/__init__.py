"""Statements and their revisions: drafting, history, comparing, and the lifecycle."""

from flask import Blueprint

bp = Blueprint("drafts", __name__)

from statements.drafts import views  # noqa: E402,F401  (routes register on bp)
