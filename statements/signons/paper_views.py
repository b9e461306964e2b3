"""The paper-entry page: staff type a stack of paper or summit sign-ons, one after another, on a phone."""

from flask import jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from statements.core.errors import Conflict, InvalidInput
from statements.core.forms import add_error
from statements.core.loaders import load_for
from statements.core.policy import COUNTED_WITHOUT_NAME, Permission, sees_unnamed_signatories
from statements.core.security import PRIVATE
from statements.drafts.models import State, Statement
from statements.extensions import csrf, db
from statements.signons import bp, paper
from statements.signons.forms import PaperEntryForm
from statements.signons.staff_views import duplicate_reason

#: longest name the type-ahead looks up: longer is not a name being typed
TYPED_NAME_MAX = 200


def _load(statement_id: int) -> Statement:
    return load_for(Statement, statement_id, Permission.SIGNON_MANAGE, visible=Permission.STATEMENT_VIEW)


def _shown_name(match: paper.NameMatch) -> str:
    """A match's name, to someone who may know it: one counted without being named stays unnamed to the rest."""
    if match.visibility != COUNTED_WITHOUT_NAME or sees_unnamed_signatories(current_user):
        return match.organization_name
    return _("an organization counted without being named")


def _reason(match: paper.NameMatch) -> str:
    """Why a name looks like another, in the reader's words."""
    if match.reason == "begins the same way":  # said only while typing (paper.name_likeness)
        return _("begins the same way")
    return duplicate_reason(match.reason)


def _render(statement: Statement, form: PaperEntryForm, batch: str, match: paper.NameMatch | None = None,
            status: int = 200):
    entries = paper.latest_in_batch(statement, batch)
    saved = entries[0] if entries and request.args.get("saved") == str(entries[0].id) else None
    response = render_template(
        "signons/paper.html", statement=statement, form=form, batch=batch, entries=entries,
        entered=paper.batch_size(statement, batch), saved=saved, match=match, match_name=_shown_name(match) if match else "",
        match_reason=_reason(match) if match else "", is_open=statement.state == State.SIGNON_OPEN)
    return response, status


@bp.route("/statements/<int:statement_id>/signons/paper", methods=["GET"])
def paper_entry(statement_id: int):
    """An empty entry form of a batch; after a save, what was saved and the source kept."""
    statement = _load(statement_id)
    batch = paper.batch_of(request.args.get("batch")) or paper.new_batch()
    latest = paper.latest_in_batch(statement, batch, limit=1)
    form = PaperEntryForm(formdata=None, data={"entered_from": latest[0].entered_from if latest else "",
                                               "entry_key": paper.new_entry_key(batch)})
    return _render(statement, form, batch)


# the form checks its own token (PaperEntryForm is a FlaskForm): an expired one comes back with what was typed
@bp.route("/statements/<int:statement_id>/signons/paper", methods=["POST"])
@csrf.exempt
def paper_save(statement_id: int):
    """Save one paper sign-on, or bring the form back with what was typed and why it was not saved."""
    statement = _load(statement_id)
    form = PaperEntryForm()
    batch = paper.batch_of(form.entry_key.data) or paper.new_batch()
    valid = form.validate_on_submit()
    if not paper.is_entry_key(form.entry_key.data):  # without its one-time key, a resent form could add twice
        form.entry_key.data = paper.new_entry_key(batch)
        form.form_errors.append(_("This form is out of date. Check the entry and save it again."))
        return _render(statement, form, batch, status=400)
    if not valid:
        if form.csrf_token.errors:
            form.form_errors.append(_("This form had expired, so the entry was not saved. Check it and press Save "
                                      "again."))
        return _render(statement, form, batch, status=400)
    earlier = paper.already_entered(statement, form.entry_key.data)
    if earlier is not None:  # the same form sent twice: it was saved the first time
        return _saved(statement, batch, earlier.id)
    return _save(statement, form, batch)


def _save(statement: Statement, form: PaperEntryForm, batch: str):
    name = " ".join(form.organization_name.data.split())
    matches = paper.similar_signons(statement, name)
    match = matches[0] if matches else None
    anyway = form.save_anyway.data and form.warned_name.data == name
    if match is not None and (match.holds_name or not anyway):
        form.warned_name.data, form.save_anyway.data = name, False
        return _render(statement, form, batch, match=match, status=409)
    fields = {"organization_name": name, "contact_name": form.contact_name.data, "country": form.country.data,
              "org_type": form.org_type.data, "contact_email": form.contact_email.data or ""}
    try:
        signon = paper.enter_paper_signon(
            current_user, statement, fields, form.entered_from.data, form.entry_key.data,
            replacing=match if match is not None and match.exact else None,
            looks_like=match if match is not None and not match.exact else None)
        db.session.commit()
    except (InvalidInput, Conflict) as error:
        db.session.rollback()
        add_error(form, error)
        return _render(statement, form, batch, status=error.status_code)
    except IntegrityError:  # sent twice at the same moment, or the same name approved meanwhile
        db.session.rollback()
        earlier = paper.already_entered(statement, form.entry_key.data)
        if earlier is not None:
            return _saved(statement, batch, earlier.id)
        form.organization_name.errors = [_("Someone entered this organization at the same moment. Save again to "
                                           "see it.")]
        return _render(statement, form, batch, status=409)
    return _saved(statement, batch, signon.id)


def _saved(statement: Statement, batch: str, signon_id: int):
    return redirect(url_for("signons.paper_entry", statement_id=statement.id, batch=batch, saved=signon_id))


@bp.route("/statements/<int:statement_id>/signons/paper/similar")
def paper_similar_names(statement_id: int):
    """Names of this statement's sign-ons like the one being typed, for a warning before it is saved."""
    statement = _load(statement_id)
    typed = " ".join(request.args.get("name", "")[:TYPED_NAME_MAX].split())
    matches = paper.similar_signons(statement, typed, while_typing=True)[:paper.SUGGESTED_NAMES] if typed else []
    response = jsonify({"names": [{"name": _shown_name(match), "reason": _reason(match),
                                   "signed": match.holds_name} for match in matches]})
    response.headers["Cache-Control"] = PRIVATE  # names some may not see: for this person, never kept by a cache
    return response
