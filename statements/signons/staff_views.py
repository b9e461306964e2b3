"""Pages for coordinators and staff: open sign-on, moderate, add sign-ons by hand, export with contacts."""

import hashlib
import re

from babel.lists import format_list
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from statements.core.countries import country_choices
from statements.core.db import paginate
from statements.core.errors import Conflict, InvalidInput
from statements.core.forms import add_error
from statements.core.i18n import current_language, language_name
from statements.core.loaders import load_for
from statements.core.policy import Permission, sees_signatory, sees_unnamed_signatories
from statements.core.security import PRIVATE
from statements.drafts import diffing, services as drafts
from statements.drafts.forms import CorrectionForm
from statements.drafts.models import State, Statement
from statements.extensions import db
from statements.signons import bp, entry, services, versions
from statements.signons.api import _csv_response
from statements.signons.forms import DecisionForm, OpenSignOnForm, StaffAddForm
from statements.signons.models import SignOn, SignOnStatus
from statements.translating.services import translations_behind, translations_of

QUEUE_PAGE_SIZE = 50


def _load(statement_id: int) -> Statement:
    return load_for(Statement, statement_id, Permission.SIGNON_MANAGE, visible=Permission.STATEMENT_VIEW)


@bp.route("/statements/<int:statement_id>/signon/open", methods=["GET", "POST"])
def open_signon(statement_id: int):
    statement = _load(statement_id)
    form = OpenSignOnForm(data={"requires_approval": statement.signon_requires_approval,
                                "hide_list": statement.signon_list_hidden,
                                "closing_message": statement.signon_closing_message,
                                "timezone": _deadline_zone(statement)})
    if statement.state not in (State.FINAL.value, State.SIGNON_CLOSED.value):
        flash(_("Sign-on can only open on a final text. Freeze a revision as final first."), "error")
        return redirect(url_for("drafts.statement", statement_id=statement.id))
    if form.validate_on_submit():
        try:
            deadline = services.parse_deadline(form.deadline_date.data, form.deadline_time.data, form.timezone.data)
            asked = services.open_signon(current_user, statement, deadline, form.timezone.data,
                                         form.requires_approval.data, form.closing_message.data, form.hide_list.data)
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            add_error(form, error)
        else:
            message = _("Sign-on is open. Share this address: %(address)s",
                        address=url_for("signons.public", slug=statement.slug, _external=True))
            if asked:
                message += " " + ngettext("%(num)s earlier signatory was asked by email to confirm the new text.",
                                          "%(num)s earlier signatories were asked by email to confirm the new text.",
                                          asked)
            flash(message, "success")
            return redirect(url_for("signons.moderation", statement_id=statement.id))
    status = 400 if request.method == "POST" else 200
    return render_template("signons/open.html", statement=statement, form=form,
                           translations_behind=translations_behind(statement)), status


def _deadline_zone(statement: Statement) -> str:
    """The zone the deadline was given in; before there has been one, the network's."""
    from statements.export.services import network_settings  # (the network's settings live with its look)

    if statement.signon_deadline is not None and statement.signon_timezone:
        return statement.signon_timezone
    return network_settings().time_zone or "UTC"


@bp.route("/statements/<int:statement_id>/signons")
def moderation(statement_id: int):
    statement = _load(statement_id)
    args = request.args
    status = args.get("status", "confirmed")
    filters = {"status": None if status == "all" else status, "country": args.get("country", "")[:2] or None,
               "flagged": args.get("flagged") == "1", "text": args.get("q", "").strip()[:200] or None,
               "unnamed": sees_unnamed_signatories(current_user)}
    page = paginate(services.moderation_query(statement, **filters), QUEUE_PAGE_SIZE)
    return render_template("signons/moderation.html", statement=statement, page=page, args=args, status=status,
                           statuses=list(SignOnStatus), countries=country_choices(current_language()),
                           form=DecisionForm(), counts=services.counts(statement), signon_expired=services.is_expired,
                           duplicate_reason=duplicate_reason, moderation_note=moderation_note)


@bp.route("/statements/<int:statement_id>/signons/decide", methods=["POST"])
def decide(statement_id: int):
    statement = _load(statement_id)
    ids = [int(v) for v in request.form.getlist("signon") if v.isascii() and v.isdigit() and len(v) < 10][:500]
    action = request.form.get("action")
    back = redirect(request.referrer or url_for("signons.moderation", statement_id=statement.id))
    if not ids or action not in ("approve", "reject", "delete"):
        flash(_("Tick at least one sign-on, then choose Approve, Reject or Delete."), "error")
        return back
    chosen = db.session.scalars(select(SignOn).where(SignOn.statement_id == statement.id, SignOn.id.in_(ids))).all()
    # who may not see who signed does not decide on it either: an organization counted without being named
    # is left to network staff
    chosen = [signon for signon in chosen if sees_signatory(current_user, signon)]
    if action == "delete":
        deleted = services.delete_unconfirmed(current_user, chosen)
        db.session.commit()
        flash(ngettext("%(num)s unconfirmed sign-on deleted.", "%(num)s unconfirmed sign-ons deleted.", deleted)
              if deleted else
              _("Nothing deleted: only sign-ons never confirmed by their contact can be deleted. Reject the others."),
              "success" if deleted else "info")
        return back
    try:
        decision = services.decide(current_user, chosen, action == "approve", request.form.get("note", "")[:1000])
        db.session.commit()
    except IntegrityError:  # someone approved the same name at the same moment
        db.session.rollback()
        flash(_("Someone approved a sign-on of the same name at the same moment. Nothing was changed: look again."),
              "error")
        return back
    _flash_decision(decision, action == "approve")
    return back


def _flash_decision(decision, approved: bool) -> None:
    changed = decision.changed
    if changed:
        flash(ngettext("%(num)s sign-on approved.", "%(num)s sign-ons approved.", changed) if approved else
              ngettext("%(num)s sign-on rejected.", "%(num)s sign-ons rejected.", changed), "success")
    else:
        flash(_("Nothing changed: these sign-ons cannot be approved in their present state.") if approved else
              _("Nothing changed: these sign-ons cannot be rejected in their present state."), "info")
    if decision.name_taken:
        flash(_("Not approved, as a sign-on of the same name is approved already: %(names)s. Reject one of the two, "
                "or withdraw the approved one first.", names=", ".join(decision.name_taken)), "error")


@bp.route("/statements/<int:statement_id>/signons.csv")
def export(statement_id: int):
    statement = _load(statement_id)
    rows = [["id", "organization", "country", "type", "website", "contact_name", "contact_email", "visibility",
             "status", "signed_revision", "consent_to_contact", "source", "signed_at", "confirmed_at", "message",
             "possible_duplicate_of", "moderation_note", "partner_link"]]
    for s in db.session.scalars(services.contacts_query(statement, unnamed=sees_unnamed_signatories(current_user))):
        rows.append([s.id, s.organization_name, s.country, s.org_type, s.website, s.contact_name, s.contact_email,
                     s.visibility, s.status, s.revision.number, "yes" if s.consent_to_contact else "no",
                     f"{s.source}: {s.entered_from}" if s.entered_from else s.source,
                     s.created_at.isoformat(timespec="seconds"),
                     s.confirmed_at.isoformat(timespec="seconds") if s.confirmed_at else "", s.message,
                     s.possible_duplicate_of_id or "", s.moderation_note,
                     s.partner_link.name if s.partner_link else ""])  # the partner link that brought it
    response = _csv_response(rows, f"{statement.slug}-signons-with-contacts.csv")
    response.headers["Cache-Control"] = PRIVATE  # contact details: for this person, never kept by a cache
    return response


#: why a sign-on looks like another, as services and duplicates say it (and store it), and in the reader's words
_REASONS = {
    "the same name": lambda: _("the same name"),
    "the same name, confirmed first": lambda: _("the same name, confirmed first"),
    "has already signed": lambda: _("has already signed"),
    "the same contact email": lambda: _("the same contact email"),
    "one name is the acronym of the other": lambda: _("one name is the acronym of the other"),
    "very similar names": lambda: _("very similar names"),
    "looks like another sign-on": lambda: _("looks like another sign-on"),
    services.UNCONFIRMED_HOLDER: lambda: _("not confirmed by its contact"),
}
_SAME_DOMAIN = re.compile(r"the same email domain \((?P<domain>.*)\)")


def duplicate_reason(reason: str | None) -> str:
    """Say in the reader's language why a sign-on looks like another (the reason is kept in English)."""
    if not reason:
        return ""
    domain = _SAME_DOMAIN.fullmatch(reason)
    if domain:
        return _("the same email domain (%(domain)s)", domain=domain.group("domain"))
    words = _REASONS.get(reason)
    return words() if words else reason


_REFUSED_AS_ALREADY_SIGNED = re.compile(
    re.escape(services.REFUSED_AS_ALREADY_SIGNED).replace(re.escape("{name}"), "(?P<name>.*)"), re.DOTALL)


def moderation_note(note: str | None) -> str:
    """Say a sign-on's note in the reader's language when the service wrote it (staff's own notes stay as typed)."""
    if note == services.REPLACED_BY_STAFF_ENTRY:
        return _("Replaced by a sign-on entered by staff.")
    refused = _REFUSED_AS_ALREADY_SIGNED.fullmatch(note or "")
    if refused:
        return _("Refused automatically: %(name)s had already signed.", name=refused.group("name"))
    return note or ""


def _hide_unnamed_duplicates(statement: Statement, rows: list) -> None:
    """Name an earlier sign-on a line repeats only to someone who may know who it is (see policy).

    For anyone else, a line with the very name of an organization counted without being named reads
    like any new line, and is added waiting for network staff, who see the pair.
    """
    if sees_unnamed_signatories(current_user):
        return
    hidden = services.counted_only_names(statement, {row.duplicate_of for row in rows if row.duplicate_of})
    for row in rows:
        if row.duplicate_of not in hidden:
            continue
        if row.duplicate_reason in ("has already signed", services.UNCONFIRMED_HOLDER):
            row.duplicate_of, row.duplicate_reason, row.replaces_id = None, None, None
            row.held_for_staff = True
        else:
            # what the preview says of an earlier sign-on the person adding may not know the name of
            row.duplicate_of = _("an organization counted without being named")
            row.duplicate_reason = "looks like another sign-on"


@bp.route("/statements/<int:statement_id>/signons/add", methods=["GET", "POST"])
def staff_add(statement_id: int):
    statement = _load(statement_id)
    form = StaffAddForm()
    rows, added = None, None
    replace_unconfirmed = request.form.get("replace_unconfirmed") == "1"
    if form.validate_on_submit():
        upload = request.files.get("upload")
        file_name = upload.filename if upload and upload.filename else None
        try:
            text = entry.read_upload(upload.read(entry.UPLOAD_MAX_BYTES + 1), file_name) if file_name \
                else form.rows.data or ""
            rows = entry.read_rows(text, file_name)
        except InvalidInput as error:  # the box keeps what was typed in it
            add_error(form, error)
        else:
            form.rows.data = text
            services.mark_duplicates(statement, rows)
            _hide_unnamed_duplicates(statement, rows)
            if request.form.get("confirm") == "1":
                try:
                    added = services.add_by_staff(current_user, statement, rows, form.default_visibility.data,
                                                  replace_unconfirmed=replace_unconfirmed)
                    db.session.commit()
                except InvalidInput as error:
                    db.session.rollback()
                    add_error(form, error)
                except IntegrityError:
                    db.session.rollback()
                    form.rows.errors = [_("Someone added some of these at the same moment. Check the preview "
                                          "again.")]
                else:
                    flash(ngettext("%(num)s sign-on added and approved.", "%(num)s sign-ons added and approved.",
                                   added), "success")
                    return redirect(url_for("signons.moderation", statement_id=statement.id, status="approved"))
    status = 400 if form.errors else 200
    return render_template("signons/staff_add.html", statement=statement, form=form, rows=rows,
                           replace_unconfirmed=replace_unconfirmed,
                           unconfirmed_holder=services.UNCONFIRMED_HOLDER, duplicate_reason=duplicate_reason), status


def _load_to_steer(statement_id: int) -> Statement:
    return load_for(Statement, statement_id, Permission.STATEMENT_TRANSITION)


#: how many names the preview of publication lists before it says how many more there are
PREVIEW_NAMES = 200


@bp.route("/statements/<int:statement_id>/publish")
def publish(statement_id: int):
    """Show exactly what publishing makes public, and ask to go on."""
    from statements.signons import versions

    statement = _load_to_steer(statement_id)
    if State.PUBLISHED not in {to for to, _label in drafts.available_transitions(statement)}:
        flash(_("This statement is %(state)s: it cannot be published from there.",
                state=statement.state_enum.label.lower()), "error")
        return redirect(url_for("drafts.statement", statement_id=statement.id))
    language = current_language()
    counts = services.counts(statement)
    # the public list as its page will show it: the same entries, named and ordered in the reader's language
    ids = services.public_ids_in(statement, language)
    entries = [services.public_entry(signon, language)
               for signon in services.signons_by_ids(ids[:PREVIEW_NAMES])]
    return render_template("signons/publish.html", statement=statement, final=statement.final_revision,
                           text=drafts.revision_text(statement.final_revision), counts=counts,
                           entries=[entry for entry in entries if entry], listed_count=len(ids),
                           unnamed=counts["total"] - len(ids),
                           also_in=format_list([language_name(v.language) for v in versions.public_versions(statement)[1:]],
                                               locale=language))


def previewed_key(base: int | None, text: str | None, note: str | None) -> str:
    """A digest of what a correction's preview showed: the send button sends only what was previewed."""
    shown = (base, (text or "").replace("\r\n", "\n"), (note or "").strip())
    return hashlib.sha256(repr(shown).encode()).hexdigest()[:32]


def _render_correction(statement: Statement, form: CorrectionForm, preview=None, status: int = 200):
    """The correction form; with a preview, the differences and the mail, and the button that sends it."""
    if preview is not None:
        form.previewed.data = previewed_key(form.base.data, form.text.data, form.note.data)
    public = {version.id for version in versions.public_versions(statement)[1:]}
    translations = [(translation, translation.id in public) for translation in translations_of(statement)]
    return render_template("signons/correct.html", statement=statement, form=form, preview=preview,
                           rows=diffing.rows(preview.ops) if preview else [],
                           counts=diffing.count_words(preview.ops) if preview else None,
                           translations=translations), status


@bp.route("/statements/<int:statement_id>/correct", methods=["GET", "POST"])
def correct(statement_id: int):
    """Correct the text of a published statement: preview the differences and the mail, then send; a new
    published revision, with a note for readers."""
    statement = _load_to_steer(statement_id)
    if statement.state != State.PUBLISHED.value or statement.source_id is not None:
        flash(_("Only the text of a published statement can be corrected. While the text is not published, "
                "reopen the draft to change it."), "error")
        return redirect(url_for("drafts.statement", statement_id=statement.id))
    form = CorrectionForm()
    if request.method == "GET":
        form.base.data, form.text.data = statement.latest_number, drafts.revision_text(statement.final_revision)
        return _render_correction(statement, form)
    if not form.validate_on_submit():
        form.form_errors.extend(form.base.errors)
        return _render_correction(statement, form, status=400)
    text, note = form.text.data or "", form.note.data
    sending = "send" in request.form
    try:
        if sending and form.previewed.data == previewed_key(form.base.data, text, note):
            told = services.correct_published_text(current_user, statement, form.base.data, text, note)
            db.session.commit()
            flash(_("The corrected text is published as revision %(number)s.", number=statement.latest_number)
                  + " " + ngettext("%(num)s signatory was told by email.", "%(num)s signatories were told by email.",
                                   told), "success")
            return redirect(url_for("drafts.statement", statement_id=statement.id))
        preview = services.preview_correction(statement, form.base.data, text, note)
    except InvalidInput as error:
        db.session.rollback()
        add_error(form, error)
        return _render_correction(statement, form, status=400)
    except Conflict as error:
        db.session.rollback()
        if drafts.already_corrected(current_user, statement, form.base.data, text, note):  # sent twice
            flash(_("This correction is already published."), "success")
            return redirect(url_for("drafts.statement", statement_id=statement.id))
        # corrected by someone else meanwhile: keep this text to compare and preview again
        form.form_errors.append(error.message)
        form.base.data, form.base.raw_data = statement.latest_number, [str(statement.latest_number)]
        return _render_correction(statement, form, status=409)
    if sending:  # the text or the note changed after the preview: show what would be sent now
        form.form_errors.append(_("The text or the note changed after the preview. Check the differences and "
                                  "the email below again, then send the correction."))
    return _render_correction(statement, form, preview)
