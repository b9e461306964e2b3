"""Read-only open data and API for partner websites: JSON and CSV, CORS for reading, cache headers,
an embeddable count badge, and the OpenAPI document that describes it."""

import csv
import io

from flask import current_app, jsonify, make_response, render_template, request, url_for
from flask_babel import gettext as _

from statements.core.db import paginate
from statements.core.urls import external_url
from statements.drafts import services as drafts
from statements.signons import bp, services
from statements.signons.views import load_public

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


def _statement_json(statement) -> dict:
    counts = services.counts(statement)
    return {
        "slug": statement.slug,
        "title": statement.title,
        "language": statement.language,
        "summary": statement.summary,
        "state": statement.state,
        "final_revision": statement.final_revision.number,
        "text_markdown": drafts.revision_text(statement.final_revision),
        "signon_open": statement.state == "signon_open",
        "signon_deadline": statement.signon_deadline.isoformat() if statement.signon_deadline else None,
        "count": counts["total"],
        "by_country": [{"country": code, "country_name": name, "count": n} for name, code, n in counts["by_country"]],
        "by_type": [{"type": t, "count": n} for t, n in counts["by_type"]],
        "list_public": services.list_is_public(statement),
        "url": external_url("signons.public", slug=statement.slug),
    }


@bp.route("/api/v1/statements/<slug>")
def api_statement(slug: str):
    return _public_response(jsonify(_statement_json(load_public(slug))))


@bp.route("/api/v1/statements/<slug>/signatories")
def api_signatories(slug: str):
    statement = load_public(slug)
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
    statement = load_public(slug)
    entries = [services.public_entry(s) for s in services.public_rows(statement)]
    return _public_response(jsonify({"count": services.counts(statement)["total"], "signatories": entries}))


@bp.route("/s/<slug>/signatories.csv")
def signatories_csv(slug: str):
    statement = load_public(slug)
    rows = [["name", "country", "country_name", "type", "website"]]
    rows += [[e["name"], e["country"], e["country_name"], e["type"] or "", e["website"] or ""]
             for e in map(services.public_entry, services.public_rows(statement))]
    return _public_response(_csv_response(rows, f"{statement.slug}-signatories.csv"))


@bp.route("/s/<slug>/series.json")
def series_json(slug: str):
    statement = load_public(slug)
    counts = services.counts(statement)
    return _public_response(jsonify({
        "by_day": [{"date": day, "count": n} for day, n in services.daily_series(statement)],
        "by_country": [{"country": code, "country_name": name, "count": n} for name, code, n in counts["by_country"]],
    }))


@bp.route("/s/<slug>/series.csv")
def series_csv(slug: str):
    statement = load_public(slug)
    rows = [["date", "count"]] + [[day, n] for day, n in services.daily_series(statement)]
    return _public_response(_csv_response(rows, f"{statement.slug}-signons-by-day.csv"))


@bp.route("/s/<slug>/badge.svg")
def badge(slug: str):
    statement = load_public(slug)
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
                "parameters": [slug],
                "responses": {"200": {"description": _("The statement"), "content": {"application/json": {"schema": {
                    "type": "object", "required": ["slug", "title", "count", "text_markdown"], "properties": {
                        "slug": {"type": "string"}, "title": {"type": "string"}, "language": {"type": "string"},
                        "summary": {"type": "string"}, "state": {"type": "string"},
                        "final_revision": {"type": "integer"}, "text_markdown": {"type": "string"},
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
