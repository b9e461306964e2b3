"""Pages for coordinators and staff: open sign-on, moderate, add sign-ons by hand, export with contacts."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from statements.core.countries import country_choices
from statements.core.db import paginate
from statements.core.errors import InvalidInput
from statements.core.forms import add_error
from statements.core.loaders import load_for
from statements.core.policy import Permission
from statements.drafts.models import State, Statement
from statements.extensions import db
from statements.signons import bp, entry, services
from statements.signons.api import _csv_response
from statements.signons.forms import DecisionForm, OpenSignOnForm, StaffAddForm
from statements.signons.models import SignOn, SignOnStatus

QUEUE_PAGE_SIZE = 50


def _load(statement_id: int) -> Statement:
    return load_for(Statement, statement_id, Permission.SIGNON_MANAGE, visible=Permission.STATEMENT_VIEW)


@bp.route("/statements/<int:statement_id>/signon/open", methods=["GET", "POST"])
def open_signon(statement_id: int):
    statement = _load(statement_id)
    form = OpenSignOnForm(data={"requires_approval": statement.signon_requires_approval,
                                "hide_list": statement.signon_list_hidden,
                                "closing_message": statement.signon_closing_message,
                                "timezone": statement.signon_timezone or "UTC"})
    if statement.state not in (State.FINAL.value, State.SIGNON_CLOSED.value):
        flash("Sign-on can only open on a final text. Freeze a revision as final first.", "error")
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
            message = f"Sign-on is open. Share this address: {url_for('signons.public', slug=statement.slug, _external=True)}"
            if asked:
                message += f" {asked} earlier signator{'y was' if asked == 1 else 'ies were'} asked by email to confirm the new text."
            flash(message, "success")
            return redirect(url_for("signons.moderation", statement_id=statement.id))
    status = 400 if request.method == "POST" else 200
    return render_template("signons/open.html", statement=statement, form=form), status


@bp.route("/statements/<int:statement_id>/signons")
def moderation(statement_id: int):
    statement = _load(statement_id)
    args = request.args
    status = args.get("status", "confirmed")
    filters = {"status": None if status == "all" else status, "country": args.get("country", "")[:2] or None,
               "flagged": args.get("flagged") == "1", "text": args.get("q", "").strip()[:200] or None}
    page = paginate(services.moderation_query(statement, **filters), QUEUE_PAGE_SIZE)
    return render_template("signons/moderation.html", statement=statement, page=page, args=args, status=status,
                           statuses=list(SignOnStatus), countries=country_choices(), form=DecisionForm(),
                           counts=services.counts(statement))


@bp.route("/statements/<int:statement_id>/signons/decide", methods=["POST"])
def decide(statement_id: int):
    statement = _load(statement_id)
    ids = [int(v) for v in request.form.getlist("signon") if v.isascii() and v.isdigit() and len(v) < 10][:500]
    action = request.form.get("action")
    if not ids or action not in ("approve", "reject"):
        flash("Tick at least one sign-on, then choose Approve or Reject.", "error")
        return redirect(request.referrer or url_for("signons.moderation", statement_id=statement.id))
    chosen = db.session.scalars(select(SignOn).where(SignOn.statement_id == statement.id, SignOn.id.in_(ids))).all()
    changed = services.decide(current_user, chosen, action == "approve", request.form.get("note", "")[:1000])
    db.session.commit()
    verb = "approved" if action == "approve" else "rejected"
    flash(f"{changed} sign-on{'' if changed == 1 else 's'} {verb}." if changed else
          f"Nothing changed: only confirmed sign-ons can be {verb}.", "success" if changed else "info")
    return redirect(request.referrer or url_for("signons.moderation", statement_id=statement.id))


@bp.route("/statements/<int:statement_id>/signons.csv")
def export(statement_id: int):
    statement = _load(statement_id)
    rows = [["id", "organization", "country", "type", "website", "contact_name", "contact_email", "visibility",
             "status", "signed_revision", "consent_to_contact", "source", "signed_at", "confirmed_at", "message",
             "possible_duplicate_of", "moderation_note"]]
    for s in db.session.scalars(services.moderation_query(statement, None, None, False, None)
                                .order_by(None).order_by(SignOn.id)):
        rows.append([s.id, s.organization_name, s.country, s.org_type, s.website, s.contact_name, s.contact_email,
                     s.visibility, s.status, s.revision.number, "yes" if s.consent_to_contact else "no", s.source,
                     s.created_at.isoformat(timespec="seconds"),
                     s.confirmed_at.isoformat(timespec="seconds") if s.confirmed_at else "", s.message,
                     s.possible_duplicate_of_id or "", s.moderation_note])
    return _csv_response(rows, f"{statement.slug}-signons-with-contacts.csv")


@bp.route("/statements/<int:statement_id>/signons/add", methods=["GET", "POST"])
def staff_add(statement_id: int):
    statement = _load(statement_id)
    form = StaffAddForm()
    rows, added = None, None
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
            if request.form.get("confirm") == "1":
                try:
                    added = services.add_by_staff(current_user, statement, rows, form.default_visibility.data)
                    db.session.commit()
                except InvalidInput as error:
                    db.session.rollback()
                    add_error(form, error)
                except IntegrityError:
                    db.session.rollback()
                    form.rows.errors = ["Someone added some of these at the same moment. Check the preview again."]
                else:
                    flash(f"{added} sign-on{'' if added == 1 else 's'} added and approved.", "success")
                    return redirect(url_for("signons.moderation", statement_id=statement.id, status="approved"))
    status = 400 if form.errors else 200
    return render_template("signons/staff_add.html", statement=statement, form=form, rows=rows), status
