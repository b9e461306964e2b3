"""Pages to export a statement, follow the export's progress, download it; and the network's look."""

import hashlib

from flask import abort, current_app, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from statements.core.errors import InvalidInput
from statements.core.forms import add_error
from statements.core.i18n import set_page_language
from statements.core.loaders import load_for, require
from statements.core.policy import Permission, sees_private_list
from statements.core.security import PRIVATE
from statements.drafts.models import SLUG_MAX, State, Statement
from statements.export import bp, services
from statements.export.forms import ExportForm, NetworkForm
from statements.export.labels import draft_mark, words_language
from statements.export.models import ExportFile
from statements.export.pdf import render_html
from statements.export.recent_files import answered_with_file
from statements.extensions import db
from statements.signons.services import list_is_public
from statements.signons.views import load_public, public_pages, recent_page_seconds
from statements.translating import services as translating


def _load(statement_id: int) -> Statement:
    return load_for(Statement, statement_id, Permission.STATEMENT_EXPORT, visible=Permission.STATEMENT_VIEW)


def _start(statement: Statement, kind: str, group_by: str, page_size: str, versions: str = "one") -> ExportFile:
    export, started = services.request_export(statement, kind, group_by, page_size, versions)
    if started:
        services.make_in_background(current_app._get_current_object(), export.id)
    return export


@bp.route("/statements/<int:statement_id>/export", methods=["GET", "POST"])
def export(statement_id: int):
    statement = _load(statement_id)
    form = ExportForm()
    if form.validate_on_submit():
        try:
            made = _start(statement, form.kind.data, form.group_by.data, form.page_size.data, form.versions.data)
        except InvalidInput as error:
            add_error(form, error)
        else:
            return redirect(url_for("export.progress", export_id=made.id))
    revision, is_final = services.exported_revision(statement)
    source = services.signing_statement(statement)
    status = 400 if request.method == "POST" else 200
    return render_template("export/export.html", statement=statement, form=form, revision=revision,
                           is_final=is_final, draft_mark=draft_mark(statement.language), source=source,
                           words_language=words_language(statement.language),
                           signatories=services.signatory_count(source),
                           translations=_translations_in_files(statement, is_final)), status


def _translations_in_files(statement: Statement, is_final: bool) -> list[tuple[Statement, bool, str]]:
    """A source's translations, each with whether a PDF of all versions holds it, and why not."""
    if statement.source_id is not None:
        return []
    included = {version.id for version in services.included_versions(statement)}
    listed = []
    for translation in translating.translations_of(statement):
        if translation.id in included:
            listed.append((translation, True, _("Final and up to date: in the PDF of all versions.")))
        elif not is_final:
            listed.append((translation, False, _("Left out until this text is final.")))
        elif translation.state_enum.text_is_editable or translation.final_revision_id is None:
            listed.append((translation, False, _("Not final yet: left out.")))
        else:
            listed.append((translation, False, _("Behind the final text: left out until it is brought up to date "
                                                 "and made final again.")))
    return listed


def _load_export(export_id: int) -> tuple[ExportFile, Statement]:
    export = db.session.get(ExportFile, export_id)
    if export is None:
        abort(404)
    return export, _load(export.statement_id)


@bp.route("/exports/<int:export_id>")
def progress(export_id: int):
    """Say how the file is coming along; the page reloads itself until it is ready (no script needed)."""
    export, statement = _load_export(export_id)
    return render_template("export/progress.html", export=export, statement=statement, public=False,
                           file_name=services.download_name(export, statement),
                           download=url_for("export.download", export_id=export.id))


@bp.route("/exports/<int:export_id>/download")
def download(export_id: int):
    """A file for coordinators and staff (a draft, a list kept private): sent for this person only."""
    export, statement = _load_export(export_id)
    path = services.file_path(export)
    if path is None:
        flash(_("That file is not ready yet."), "info")
        return redirect(url_for("export.progress", export_id=export.id))
    response = send_file(path, mimetype=services.KINDS[export.kind], as_attachment=True,
                         download_name=services.download_name(export, statement), conditional=False, etag=False)
    response.headers["Cache-Control"] = PRIVATE
    return response


def _published_version(slug: str) -> Statement:
    """A published statement, or a translation of one that is final and in step with its final text; else 404."""
    version = db.session.scalar(select(Statement).where(Statement.slug == slug)) if len(slug) <= SLUG_MAX else None
    if version is not None and version.source_id is not None:
        if version.source.state != State.PUBLISHED or not translating.in_step_with_final_source(version):
            abort(404)
        set_page_language(version.language)
        return version
    statement = load_public(slug)
    if statement.state != State.PUBLISHED:
        abort(404)
    return statement


@bp.route("/s/<slug>/statement.pdf")
def public_pdf(slug: str):
    """The published statement's PDF (or a published version's, in its language), for anyone; made once, then
    served from disk."""
    return _recent_public_file() or _public_file(_published_version(slug), "one",
                                                 url_for("export.public_pdf", slug=slug))


@bp.route("/s/<slug>/statement.docx")
def public_docx(slug: str):
    """The published statement as a Word file, for those who quote or reformat it; made once, like the PDF."""
    return _recent_public_file() or _public_file(_published_version(slug), "one",
                                                 url_for("export.public_docx", slug=slug), kind="docx")


@bp.route("/s/<slug>/all-languages.pdf")
def public_all_versions_pdf(slug: str):
    """The published statement and each of its final translations, in one PDF; from the source's address only."""
    recent = _recent_public_file()
    if recent is not None:
        return recent
    statement = _published_version(slug)
    if statement.source_id is not None:
        abort(404)
    return _public_file(statement, "all", url_for("export.public_all_versions_pdf", slug=slug))


def _public_file(statement: Statement, versions: str, address: str, kind: str = "pdf"):
    """Serve a public PDF or Word file, or a page that says it is being made.

    Caches keep it, but ask each time whether it is still the one to give: its ETag is the file's own (a
    new file is made when the list of signatories changes), so a withdrawal is never served from a cache.
    """
    export = _start(statement, kind, "country", "a4", versions)
    path = services.file_path(export)
    if path is None:
        page = render_template("export/progress.html", export=export, statement=statement, public=True,
                               file_name=services.download_name(export, statement), download=address)
        return page, 202, {"Cache-Control": "no-store"}
    found = {"path": str(path), "mimetype": services.KINDS[export.kind],
             "download_name": services.download_name(export, statement), "etag": services.file_etag(export)}
    public_pages().remember_address(("file", request.path), found)
    return _send_public_file(found)


def _recent_public_file():
    """The public file at this address as found in the database in the last few seconds, as long as the
    public pages are (a change committed through this process forgets it at once); None when there is none so
    recent, or its file is gone."""
    found = public_pages().recent_address(("file", request.path), recent_page_seconds())
    if found is None:
        return None
    try:
        return _send_public_file(found)
    except FileNotFoundError:  # removed meanwhile: the database says what to give now
        return None


def _send_public_file(found: dict):
    answered_with_file(found)  # (asked for again within seconds, the same answer is given without Flask)
    response = send_file(found["path"], mimetype=found["mimetype"], as_attachment=True,
                         download_name=found["download_name"], etag=found["etag"], conditional=True)
    response.headers["Cache-Control"] = "public, no-cache"
    return response


@bp.route("/statements/<int:statement_id>/print")
def print_view(statement_id: int):
    """The PDF's page in the browser, naming signatories to whom the PDF would name them: anyone once the
    list is public, else those who may export the files."""
    statement = load_for(Statement, statement_id, Permission.STATEMENT_PRINT, visible=Permission.STATEMENT_VIEW)
    source = services.signing_statement(statement)  # a translation lists its source's signatories, by its rule
    with_names = list_is_public(source) or sees_private_list(current_user, source)
    data, _text = services.export_data(statement, with_names=with_names)
    return render_html(data, request.args.get("group", "country"), "a4")


@bp.route("/admin/network", methods=["GET", "POST"])
@require(Permission.NETWORK_SETTINGS)
def network():
    settings = services.network_settings()
    form = NetworkForm(data={"name": settings.name, "time_zone": settings.time_zone or "UTC"})
    if form.validate_on_submit():
        upload = form.logo.data
        logo = upload.read(services.LOGO_MAX_BYTES + 1) if upload and getattr(upload, "filename", "") else None
        try:
            services.save_network_settings(current_user, form.name.data, logo, form.remove_logo.data,
                                           form.time_zone.data)
            db.session.commit()
        except InvalidInput as error:
            db.session.rollback()
            add_error(form, error)
        else:
            flash(_("Saved. Pages, mail and new exports use this name and logo."), "success")
            return redirect(url_for("export.network"))
    status = 400 if request.method == "POST" else 200
    return render_template("export/network.html", form=form, settings=settings), status


@bp.route("/network/logo")
def network_logo():
    """The network's logo, for the header of every page and for mail; anyone may have it."""
    settings = services.network_settings()
    if not settings.logo:
        abort(404)
    response = make_response(settings.logo)
    response.headers["Content-Type"] = settings.logo_type or "image/png"
    response.headers["Cache-Control"] = "public, max-age=86400"  # each version has its own address (?v=)
    response.set_etag(hashlib.sha256(settings.logo).hexdigest()[:32])
    return response.make_conditional(request)
