"""Pages for coordinators and staff: open sign-on, moderate, add sign-ons by hand, export with contacts."""

import hashlib
import re

from babel.lists import format_list
from flask import abort, flash, redirect, render_template, request, url_for
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
from statements.core.urls import safe_next_url
from statements.drafts import diffing, services as drafts
from statements.drafts.forms import CorrectionForm
from statements.drafts.models import State, Statement
from statements.extensions import db
from statements.signons import bp, entry, services, versions
from statements.signons import moderation as moderating
from statements.signons.api import _csv_response
from statements.signons.forms import DecisionForm, OpenSignOnForm, SignatoryForm, StaffAddForm
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
    queue_filter = moderating.QueueFilter.from_args(args)
    unnamed = sees_unnamed_signatories(current_user)
    page = paginate(queue_filter.query(statement, unnamed), QUEUE_PAGE_SIZE)
    return render_template("signons/moderation.html", statement=statement, page=page, args=args, status=status,
                           statuses=list(SignOnStatus), countries=country_choices(current_language()),
                           form=DecisionForm(), counts=services.counts(statement), signon_expired=services.is_expired,
                           duplicate_reason=duplicate_reason, moderation_note=moderation_note,
                           seen_at=moderating.latest_change(), matching=page.total,
                           can_undo=bool(moderating.last_decision(current_user, statement)))


#: what the bulk form's "apply to" choice may say
SCOPES = ("ticked", "page", "matching")
#: a sign-on id posted from a page: digits, small enough for an integer column (larger ones name nothing)
_ID_DIGITS = 9


def _posted_ids(name: str) -> list[int]:
    return [int(v) for v in request.form.getlist(name) if v.isascii() and v.isdigit() and len(v) <= _ID_DIGITS][:500]


def _seen_at() -> int | None:
    """The mark of the audit log the page was shown at, when it sent one."""
    value = request.form.get("seen_at", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def _chosen(statement: Statement, scope: str) -> list[SignOn]:
    """The sign-ons a decision is about: those ticked or shown on the page (by id), or all the filter matches
    now (the server applies the filter: nothing of it is taken from ids in the page)."""
    unnamed = sees_unnamed_signatories(current_user)
    if scope == "matching":
        chosen = moderating.matching_signons(statement, moderating.QueueFilter.from_args(request.form), unnamed)
    else:
        ids = _posted_ids("signon" if scope == "ticked" else "page_signon")
        chosen = db.session.scalars(select(SignOn).where(SignOn.statement_id == statement.id,
                                                         SignOn.id.in_(ids))).all() if ids else []
    # who may not see who signed does not decide on it either: an organization counted without being named
    # is left to network staff
    return [signon for signon in chosen if sees_signatory(current_user, signon)]


@bp.route("/statements/<int:statement_id>/signons/decide", methods=["POST"])
def decide(statement_id: int):
    statement = _load(statement_id)
    action, scope = request.form.get("action"), request.form.get("scope", "ticked")
    back = redirect(safe_next_url(request.form.get("back")) or request.referrer
                    or url_for("signons.moderation", statement_id=statement.id))
    nothing_posted = scope != "matching" and not _posted_ids("signon" if scope == "ticked" else "page_signon")
    if action not in ("approve", "reject", "delete") or scope not in SCOPES or nothing_posted:
        flash(_("Tick at least one sign-on, then choose Approve, Reject or Delete."), "error")
        return back
    chosen = _chosen(statement, scope)
    if action == "delete":
        deleted = services.delete_unconfirmed(current_user, chosen)
        db.session.commit()
        flash(ngettext("%(num)s unconfirmed sign-on deleted.", "%(num)s unconfirmed sign-ons deleted.", deleted)
              if deleted else
              _("Nothing deleted: only sign-ons never confirmed by their contact can be deleted. Reject the others."),
              "success" if deleted else "info")
        return back
    seen_at = _seen_at()
    try:
        decision = moderating.decide_batch(current_user, statement, chosen, action == "approve",
                                           request.form.get("note", "")[:1000], seen_at)
        if scope == "matching":
            decision.already_decided = moderating.decided_meanwhile(current_user, statement, seen_at)
        db.session.commit()
    except IntegrityError:  # someone approved the same name at the same moment
        db.session.rollback()
        flash(_("Someone approved a sign-on of the same name at the same moment. Nothing was changed: look again."),
              "error")
        return back
    _flash_decision(decision, action == "approve")
    if scope == "matching" and len(chosen) >= moderating.MATCHING_LIMIT:
        flash(_("Only the first %(num)s matching sign-ons were decided at once. Do it again for the rest.",
                num=moderating.MATCHING_LIMIT), "info")
    return back


def _flash_decision(decision, approved: bool) -> None:
    changed = decision.changed
    if changed:
        flash(ngettext("%(num)s sign-on approved.", "%(num)s sign-ons approved.", changed) if approved else
              ngettext("%(num)s sign-on rejected.", "%(num)s sign-ons rejected.", changed), "success")
    elif not decision.already_decided:
        flash(_("Nothing changed: these sign-ons cannot be approved in their present state.") if approved else
              _("Nothing changed: these sign-ons cannot be rejected in their present state."), "info")
    for who, count in sorted(decision.already_decided.items()):
        flash(ngettext("%(num)s was already decided by %(name)s after this page was shown, and kept as they "
                       "decided.",
                       "%(num)s were already decided by %(name)s after this page was shown, and kept as they "
                       "decided.", count, name=who), "info")
    if decision.name_taken:
        flash(_("Not approved, as a sign-on of the same name is approved already: %(names)s. Reject one of the two, "
                "or withdraw the approved one first.", names=", ".join(decision.name_taken)), "error")


@bp.route("/statements/<int:statement_id>/signons/undo", methods=["POST"])
def undo_decision(statement_id: int):
    """Put back the sign-ons of one's last approve or reject on this statement."""
    statement = _load(statement_id)
    back = redirect(safe_next_url(request.form.get("back")) or url_for("signons.moderation",
                                                                          statement_id=statement.id))
    try:
        undo = moderating.undo_last_decision(current_user, statement)
        db.session.commit()
    except InvalidInput as error:
        db.session.rollback()
        flash(error.message, "error")
        return back
    except IntegrityError:  # putting an approval back would approve a name approved since
        db.session.rollback()
        flash(_("Not undone: a sign-on of the same name was approved since. Nothing was changed."), "error")
        return back
    if undo.restored:
        flash(ngettext("Undone: %(num)s sign-on is back as it was before you approved it.",
                       "Undone: %(num)s sign-ons are back as they were before you approved them.", undo.restored)
              if undo.approved else
              ngettext("Undone: %(num)s sign-on is back as it was before you rejected it.",
                       "Undone: %(num)s sign-ons are back as they were before you rejected them.", undo.restored),
              "success")
    for name, who in sorted(undo.refused.items()):
        flash(_("Not undone for %(organization)s: %(name)s changed it since. It stays as they left it.",
                organization=name, name=who) if who else
              _("Not undone for %(organization)s: it changed since. It stays as it is.", organization=name), "error")
    return back


@bp.route("/signons/<int:signon_id>/edit", methods=["GET", "POST"])
def edit_signatory(signon_id: int):
    """Correct a signatory's public name, country and type (a typo), as the audit log records."""
    signon = load_for(SignOn, signon_id, Permission.SIGNON_MANAGE, visible=Permission.STATEMENT_VIEW)
    if not sees_signatory(current_user, signon):  # counted without being named: only network staff know who
        abort(404)
    statement = signon.statement
    form = SignatoryForm(obj=signon if request.method == "GET" else None)
    if request.method == "GET":
        form.back.data = safe_next_url(request.args.get("back")) or ""
    back = safe_next_url(form.back.data) or url_for("signons.moderation", statement_id=statement.id)
    if form.validate_on_submit():
        try:
            correction = moderating.correct_signatory(current_user, signon, form.organization_name.data,
                                                      form.country.data, form.org_type.data)
            db.session.commit()
        except (InvalidInput, Conflict) as error:
            db.session.rollback()
            signon = db.session.get(SignOn, signon_id)
            add_error(form, error)
        else:
            _flash_correction(signon, correction)
            return redirect(back)
    status = 400 if form.errors else 200
    return render_template("signons/edit_signatory.html", statement=statement, signon=signon, form=form,
                           back=back), status


def _flash_correction(signon: SignOn, correction) -> None:
    if not correction.changes:
        flash(_("Nothing changed: the name, country and type are as they were."), "info")
        return
    flash(_("%(name)s is corrected. The audit log keeps what it was.", name=signon.organization_name), "success")
    if correction.duplicate_of:
        flash(_("It now looks like another sign-on of this statement (%(name)s): it is marked as a possible "
                "duplicate.", name=correction.duplicate_of), "info")


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
