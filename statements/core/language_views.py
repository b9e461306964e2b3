"""POST /language: the language switcher on every page, which works without JavaScript."""

from flask import Blueprint, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from statements.core.i18n import CHOSEN_KEY, supported
from statements.core.urls import safe_next_url
from statements.extensions import db

bp = Blueprint("language", __name__)


@bp.route("/language", methods=["POST"])
def choose():
    """Keep the chosen language (on the account, or in the session), and go back to the same page."""
    language = supported(request.form.get("language"))
    back = safe_next_url(request.form.get("next")) or url_for("accounts.home")
    if language is None:
        flash(_("Choose one of the languages in the list."), "error")
        return redirect(back)
    session[CHOSEN_KEY] = language
    if current_user.is_authenticated:
        current_user.language = language
        db.session.commit()
    return redirect(back)
