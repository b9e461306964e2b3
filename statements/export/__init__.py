"""Exports of a statement with its signatories: PDF, DOCX and a print view."""

from flask import Blueprint

bp = Blueprint("export", __name__)

from statements.export import views  # noqa: E402,F401  (routes register on bp)
