"""Pages to export a statement, follow the export's progress, download it; and the network's look."""

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from statements.core.errors import InvalidInput
from statements.core.forms import add_error
from statements.core.loaders import load_for, require
from statements.core.policy import Permission, sees_private_list
from statements.core.security import PRIVATE
from statements.drafts.models import State, Statement
from statements.export import bp, services
from statements.export.forms import ExportForm, NetworkForm
from statements.export.labels import draft_mark
from statements.export.models import ExportFile
from statements.export.pdf import render_html
from statements.extensions import db
from statements.signons.services import list_is_public
from statements.signons.views import load_public


def _load(statement_id: int) -> Statement:
    return load_for(Statement, statement_id, Permission.STATEMENT_EXPORT, visible=Permission.STATEMENT_VIEW)


def _start(statement: Statement, kind: str, group_by: str, page_size: str) -> ExportFile:
    export, started = services.request_export(statement, kind, group_by, page_size)
    if started:
        services.make_in_background(current_app._get_current_object(), export.id)
    return export


@bp.route("/statements/<int:statement_id>/export", methods=["GET", "POST"])
def export(statement_id: int):
    statement = _load(statement_id)
    form = ExportForm()
    if form.validate_on_submit():
        try:
            made = _start(statement, form.kind.data, form.group_by.data, form.page_size.data)
        except InvalidInput as error:
            add_error(form, error)
        else:
            return redirect(url_for("export.progress", export_id=made.id))
    revision, is_final = services.exported_revision(statement)
    status = 400 if request.method == "POST" else 200
    return render_template("export/export.html", statement=statement, form=form, revision=revision,
                           is_final=is_final, draft_mark=draft_mark(statement.language)), status


def _load_export(export_id: int) -> tuple[ExportFile, Statement]:
    export = db.session.get(ExportFile, export_id)
    if export is None:
        abort(404)
    return export, _load(export.statement_id)


@bp.route("/exports/<int:export_id>")
def progress(export_id: int):
    """Say how the file is coming along; the page reloads itself until it is ready (no script needed)."""
    export, statement = _load_export(export_id)
    return render_template("export/progress.html", export=export, statement=statement,
                           public=False, download=url_for("export.download", export_id=export.id))


@bp.route("/exports/<int:export_id>/download")
def download(export_id: int):
    """A file for coordinators and staff (a draft, a list kept private): sent for this person only."""
    export, statement = _load_export(export_id)
    path = services.file_path(export)
    if path is None:
        flash(_("That file is not ready yet."), "info")
        return redirect(url_for("export.progress", export_id=export.id))
    response = send_file(path, mimetype=services.KINDS[export.kind], as_attachment=True,
                         download_name=f"{statement.slug}.{export.kind}", conditional=False, etag=False)
    response.headers["Cache-Control"] = PRIVATE
    return response


@bp.route("/s/<slug>/statement.pdf")
def public_pdf(slug: str):
    """The published statement's PDF, for anyone; made once, then served from disk.

    Caches keep it, but ask each time whether it is still the one to give: its ETag is the file's own (a
    new file is made when the list of signatories changes), so a withdrawal is never served from a cache.
    """
    statement = load_public(slug)
    if statement.state != State.PUBLISHED:
        abort(404)
    export = _start(statement, "pdf", "country", "a4")
    path = services.file_path(export)
    if path is None:
        page = render_template("export/progress.html", export=export, statement=statement, public=True,
                               download=url_for("export.public_pdf", slug=slug))
        return page, 202, {"Cache-Control": "no-store"}
    response = send_file(path, mimetype=services.KINDS[export.kind], as_attachment=True,
                         download_name=f"{statement.slug}.{export.kind}", etag=services.file_etag(export),
                         conditional=True)
    response.headers["Cache-Control"] = "public, no-cache"
    return response


@bp.route("/statements/<int:statement_id>/print")
def print_view(statement_id: int):
    """The PDF's page in the browser, naming signatories to whom the PDF would name them: anyone once the
    list is public, else those who may export the files."""
    statement = load_for(Statement, statement_id, Permission.STATEMENT_PRINT, visible=Permission.STATEMENT_VIEW)
    with_names = list_is_public(statement) or sees_private_list(current_user, statement)
    data, _text = services.export_data(statement, with_names=with_names)
    return render_html(data, request.args.get("group", "country"), "a4")


@bp.route("/admin/network", methods=["GET", "POST"])
@require(Permission.NETWORK_SETTINGS)
def network():
    settings = services.network_settings()
    form = NetworkForm(data={"name": settings.name})
    if form.validate_on_submit():
        upload = form.logo.data
        logo = upload.read(services.LOGO_MAX_BYTES + 1) if upload and getattr(upload, "filename", "") else None
        try:
            services.save_network_settings(current_user, form.name.data, logo, form.remove_logo.data)
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            add_error(form, error)
        else:
            flash(_("Saved. New exports use this name and logo."), "success")
            return redirect(url_for("export.network"))
    status = 400 if request.method == "POST" else 200
    return render_template("export/network.html", form=form, settings=settings), status
