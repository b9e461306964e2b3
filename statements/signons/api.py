"""Read-only open data and API for partner websites: JSON and CSV, CORS for reading, cache headers,
an embeddable count badge, and the OpenAPI document that describes it."""

import csv
import io

from flask import current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _

from statements.core.db import paginate
from statements.core.urls import external_url
from statements.drafts import services as drafts
from statements.signons import bp, services, versions
from statements.signons.views import load_public_version

API_PAGE_SIZE = 100
CACHE_SECONDS = 60


def _public_response(response, max_age: int = CACHE_SECONDS):
    """Let any site read it, and let caches keep it briefly: a withdrawal is gone from every cache within
    max_age; after that, a cache asks again with the ETag of what it has, which the list's change changed."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET"
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.add_etag()
    return response.make_conditional(request)


def _version_json(link: versions.VersionLink) -> dict:
    return {"language": link.language, "language_name": link.language_name, "title": link.title, "slug": link.slug,
            "url": external_url("signons.public", slug=link.slug), "source": link.is_source}


def _corrected_at(statement) -> str | None:
    last = next(iter(drafts.corrections_of(statement)), None)
    return last.created_at.isoformat() if last else None


def _statement_json(statement, version=None) -> dict:
    """A statement in one of its versions: that version's words, the source's sign-on and counts."""
    version = version or statement
    counts = services.counts(statement)
    return {
        "slug": version.slug,
        "source_slug": statement.slug,
        "title": version.title,
        "language": version.language,
        "summary": version.summary,
        "state": statement.state,
        "final_revision": version.final_revision.number,
        "corrected_at": _corrected_at(statement) if version is statement else None,
        "text_markdown": drafts.revision_text(version.final_revision),
        "versions": [_version_json(link) for link in versions.version_links(versions.public_versions(statement))],
        "signon_open": statement.state == "signon_open",
        "signon_deadline": statement.signon_deadline.isoformat() if statement.signon_deadline else None,
        "count": counts["total"],
        "by_country": [{"country": code, "country_name": name, "count": n} for name, code, n in counts["by_country"]],
        "by_type": [{"type": t, "count": n} for t, n in counts["by_type"]],
        "list_public": services.list_is_public(statement),
        "url": external_url("signons.public", slug=version.slug),
    }


@bp.route("/api/v1/statements/<slug>")
def api_statement(slug: str):
    """A statement at its own address or at a public translation's: the text of that version."""
    return _public_response(jsonify(_statement_json(*load_public_version(slug))))


@bp.route("/api/v1/statements/<slug>/signatories")
def api_signatories(slug: str):
    statement, _version = load_public_version(slug)
    if not services.list_is_public(statement):
        return _public_response(jsonify({"count": services.counts(statement)["total"], "list_public": False,
                                         "signatories": [], "page": 1, "pages": 0}))
    page = paginate(services.public_query(statement), API_PAGE_SIZE)
    body = {
        "count": services.counts(statement)["total"], "list_public": True, "page": page.page, "pages": page.pages,
        "per_page": API_PAGE_SIZE, "signatories": [services.public_entry(s) for s in page.items],
    }
    if page.has_next:
        body["next"] = external_url("signons.api_signatories", slug=slug, page=page.next_num)
    return _public_response(jsonify(body))


def _csv_response(rows: list[list], filename: str):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([[neutralize(cell) for cell in row] for row in rows])
    response = make_response("\ufeff" + buffer.getvalue())  # the mark makes spreadsheet programs read UTF-8
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def neutralize(cell) -> str:
    """Keep a spreadsheet from running a cell as a formula (=, +, -, @, tab, return)."""
    text = "" if cell is None else str(cell)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.route("/s/<slug>/signatories.json")
def signatories_json(slug: str):
    statement, _version = load_public_version(slug)
    entries = [services.public_entry(s) for s in services.public_rows(statement)]
    return _public_response(jsonify({"count": services.counts(statement)["total"], "signatories": entries}))


@bp.route("/s/<slug>/signatories.csv")
def signatories_csv(slug: str):
    statement, _version = load_public_version(slug)
    rows = [["name", "country", "country_name", "type", "website"]]
    rows += [[e["name"], e["country"], e["country_name"], e["type"] or "", e["website"] or ""]
             for e in map(services.public_entry, services.public_rows(statement))]
    return _public_response(_csv_response(rows, f"{statement.slug}-signatories.csv"))


@bp.route("/s/<slug>/series.json")
def series_json(slug: str):
    statement, _version = load_public_version(slug)
    counts = services.counts(statement)
    return _public_response(jsonify({
        "by_day": [{"date": day, "count": n} for day, n in services.daily_series(statement)],
        "by_country": [{"country": code, "country_name": name, "count": n} for name, code, n in counts["by_country"]],
    }))


@bp.route("/s/<slug>/series.csv")
def series_csv(slug: str):
    statement, _version = load_public_version(slug)
    rows = [["date", "count"]] + [[day, n] for day, n in services.daily_series(statement)]
    return _public_response(_csv_response(rows, f"{statement.slug}-signons-by-day.csv"))


@bp.route("/s/<slug>/badge.svg")
def badge(slug: str):
    statement, _version = load_public_version(slug)
    response = make_response(render_template("signons/badge.svg", statement=statement,
                                             count=services.counts(statement)["total"]))
    response.headers["Content-Type"] = "image/svg+xml; charset=utf-8"
    return _public_response(response)


@bp.route("/api/openapi.json")
def openapi():
    # caches keep it an hour: its address comes from BASE_URL, never from a Host header someone sent
    return _public_response(jsonify(openapi_document(current_app.config["BASE_URL"])), max_age=3600)


def openapi_document(server: str) -> dict:
    """Describe the read-only API (OpenAPI 3.0)."""
    slug = {"name": "slug", "in": "path", "required": True, "description": _("The statement's short address"),
            "schema": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 80}}
    not_found = {"description": _("No public statement has this address")}
    refused = {"description": _("The address or the query holds a NUL character, which is refused everywhere")}
    version = {"type": "object", "required": ["language", "language_name", "title", "slug", "url", "source"],
               "properties": {
                   "language": {"type": "string"},
                   "language_name": {"type": "string", "description": _("The language's name in itself")},
                   "title": {"type": "string"}, "slug": {"type": "string"}, "url": {"type": "string"},
                   "source": {"type": "boolean",
                              "description": _("True for the statement's own text, false for a translation")}}}
    count_item = {"type": "object", "required": ["count"], "properties": {
        "country": {"type": "string"}, "country_name": {"type": "string"}, "type": {"type": "string"},
        "count": {"type": "integer", "minimum": 0}}}
    signatory = {"type": "object", "required": ["name", "country", "country_name"], "properties": {
        "name": {"type": "string"}, "country": {"type": "string", "minLength": 2, "maxLength": 2},
        "country_name": {"type": "string"}, "type": {"type": "string", "nullable": True},
        "website": {"type": "string", "nullable": True},
        "signed_revision": {"type": "integer", "nullable": True,
                            "description": _("Set when the organization signed an earlier final text")}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": _("Statements public API"), "version": "1.0",
                 "description": _("Read-only data on published statements and their signatories. Contact details "
                                  "are never included.")},
        "servers": [{"url": server}],
        "paths": {
            "/api/v1/statements/{slug}": {"get": {
                "summary": _("A statement's final text and its counts"), "operationId": "getStatement",
                "description": _("At a translation's address: the translation's final text, with the counts "
                                 "of the statement it translates (one list of signatories for all versions)."),
                "parameters": [slug],
                "responses": {"200": {"description": _("The statement"), "content": {"application/json": {"schema": {
                    "type": "object", "required": ["slug", "source_slug", "title", "count", "text_markdown",
                                                   "versions"], "properties": {
                        "slug": {"type": "string"},
                        "source_slug": {"type": "string", "description": _(
                            "The address of the statement this version translates; its own for the statement")},
                        "title": {"type": "string"}, "language": {"type": "string"},
                        "summary": {"type": "string"}, "state": {"type": "string"},
                        "final_revision": {"type": "integer"}, "text_markdown": {"type": "string"},
                        "corrected_at": {"type": "string", "format": "date-time", "nullable": True, "description": _(
                            "When the published text was last corrected (final_revision is the corrected text)")},
                        "versions": {"type": "array", "items": version, "description": _(
                            "The statement and each of its public translations, the statement first")},
                        "signon_open": {"type": "boolean"},
                        "signon_deadline": {"type": "string", "format": "date-time", "nullable": True},
                        "count": {"type": "integer", "minimum": 0},
                        "by_country": {"type": "array", "items": count_item},
                        "by_type": {"type": "array", "items": count_item},
                        "list_public": {"type": "boolean"}, "url": {"type": "string"}}}}}},
                              "400": refused, "404": not_found}}},
            "/api/v1/statements/{slug}/signatories": {"get": {
                "summary": _("Approved signatories, %(count)s a page", count=API_PAGE_SIZE), "operationId": "getSignatories",
                "parameters": [slug, {"name": "page", "in": "query", "required": False,
                                      "schema": {"type": "integer", "minimum": 1, "maximum": 999999}}],
                "responses": {"200": {"description": _("A page of signatories"), "content": {"application/json": {
                    "schema": {"type": "object", "required": ["count", "signatories"], "properties": {
                        "count": {"type": "integer", "minimum": 0}, "list_public": {"type": "boolean"},
                        "page": {"type": "integer"}, "pages": {"type": "integer"},
                        "per_page": {"type": "integer"}, "next": {"type": "string"},
                        "signatories": {"type": "array", "items": signatory}}}}}},
                              "400": refused, "404": not_found}}},
        },
    }
