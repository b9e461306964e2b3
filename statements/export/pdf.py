"""Make the PDF of a statement with its signatories. Pure: given plain data, never ORM objects.

WeasyPrint lays out an HTML page with a print stylesheet. Signatories go in a multi-column
list (far faster to lay out than a long table, and fewer pages). Nothing is fetched: the URL
fetcher refuses every address except inline data, so text typed by users cannot make the
renderer read files or reach the network.
"""

from dataclasses import dataclass, field
from functools import cache
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from statements.core.collation import sort_key_in
from statements.core.languages import direction_of, primary_language, text_direction
from statements.export.labels import Labels, page_of_parts

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "export"
PAGE_SIZES = {"a4": "A4", "letter": "Letter"}


@dataclass
class Signatory:
    """A signatory as the public sees it: its name (or "an organization in <country>"), in the file's words."""

    name: str
    country: str
    type_label: str | None  # None for an organization listed by its country alone


@dataclass
class ExportData:
    """Everything the document shows."""

    network_name: str
    title: str
    language: str
    text_html: Markup
    signed_on: date
    revision_number: int
    is_final: bool
    signatories: list[Signatory] = field(default_factory=list)
    unnamed_count: int = 0  # organizations counted but not listed
    withheld_count: int = 0  # organizations counted, their names left out while the list is kept private
    logo_data_uri: str | None = None
    summary: str = ""
    #: the published text was corrected: on this day (the latest correction), with its note, and where the
    #: corrections are listed for the public
    corrected_on: date | None = None
    correction_note: str = ""
    corrections_url: str = ""
    labels: Labels | None = None  # the file's own words (statements.export.labels.file_labels)
    #: further versions in other languages (a PDF of all versions), each with its own words and no signatories:
    #: the list is printed once, after the last version, in this version's words
    translations: list["ExportData"] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.signatories) + self.unnamed_count + self.withheld_count

    @property
    def short_title(self) -> str:
        return self.title if len(self.title) <= 60 else self.title[:57].rstrip() + "…"


class RefusedFetch(ValueError):
    """The document asked for something outside itself."""


@cache
def _inline_only_class():
    from weasyprint.urls import URLFetcher

    class InlineOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith("data:"):
                raise RefusedFetch(f"not fetched: {url[:80]}")
            return super().fetch(url, headers)

    return InlineOnlyFetcher


def inline_only_fetcher():
    """A URL fetcher for WeasyPrint that gives inline data only (the logo): no files, no network.

    A new one for each document: a fetcher keeps state while it fetches.
    """
    return _inline_only_class()(allowed_protocols={"data"}, allow_redirects=False)


def css_string(value: str) -> Markup:
    """Quote text as a CSS string (for the running header): HTML escaping does not apply inside a
    style element, so characters that could end the string or the element are escaped the CSS way."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>&' or ord(c) < 32 or ord(c) == 127 else c for c in value)
    return Markup(f'"{escaped}"')


def page_counter_css(wording: str) -> Markup:
    """CSS content for a "page {page} of {pages}" label: its words quoted, the numbers as counters."""
    css = [f"counter({part})" if index % 2 else css_string(part) for index, part in enumerate(page_of_parts(wording))
           if index % 2 or part]
    return Markup(" ".join(css))


@cache
def _environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))
    environment.filters.update(css_string=css_string, page_counter_css=page_counter_css, direction_of=direction_of,
                               text_direction=text_direction)
    return environment


def grouped(signatories: list[Signatory], group_by: str, language: str) -> list[tuple[str, list[Signatory]]]:
    """Signatories by country (countries and names alphabetical, as readers of the file's language sort
    them), or one alphabetical list; organizations listed by their country alone after the named ones (else
    their "An organization in ..." would open the list)."""
    by_name = sort_key_in(language)
    ordered = sorted(signatories, key=lambda s: (s.type_label is None, by_name(s.name), s.name))
    if group_by != "country":
        return [("", ordered)]
    groups: dict[str, list[Signatory]] = {}
    for signatory in sorted(ordered, key=lambda s: by_name(s.country)):
        groups.setdefault(signatory.country, []).append(signatory)
    return list(groups.items())


@dataclass
class PrintedVersion:
    """One version as laid out: its data, and the language and direction of its text and of its own words."""

    data: ExportData
    page: str  # the name of its pages (CSS named pages), which carry its running header and page numbers
    direction: str
    labels_lang: Markup

    @property
    def start(self) -> str:
        """The side the running title sits on: where the text starts."""
        return "right" if self.direction == "rtl" else "left"

    @property
    def end(self) -> str:
        return "left" if self.direction == "rtl" else "right"


def render_html(data: ExportData, group_by: str = "country", page_size: str = "a4") -> str:
    """The HTML the PDF is made from (also used for the print view), its own words in the statement's language;
    each further version follows on pages of its own, in its language and direction."""
    versions = [PrintedVersion(version, f"version-{number}", text_direction(version.language),
                               labels_attributes(version.labels, version.language))
                for number, version in enumerate([data, *data.translations], start=1)]
    return _environment().get_template("statement_pdf.html").render(
        data=data, versions=versions, groups=grouped(data.signatories, group_by, data.language),
        page_size=PAGE_SIZES.get(page_size, "A4"), group_by=group_by, labels=data.labels,
        labels_lang=versions[0].labels_lang, direction=versions[0].direction,
    )


def labels_attributes(labels: Labels, language: str) -> Markup:
    """The attributes of an element holding the labels: English labels in a text of another language are
    marked as English (screen readers, PDF/UA), and in a right-to-left text as running left to right."""
    if labels.language == primary_language(language):
        return Markup("")
    attributes = Markup(' lang="{}"').format(labels.language)
    if text_direction(language) != text_direction(labels.language):
        attributes += Markup(' dir="{}"').format(text_direction(labels.language))
    return attributes


def render_pdf(data: ExportData, group_by: str = "country", page_size: str = "a4") -> tuple[bytes, int]:
    """Lay out the statement and its signatories as a tagged PDF; return it and its page count."""
    from weasyprint import HTML

    html = HTML(string=render_html(data, group_by, page_size), url_fetcher=inline_only_fetcher(),
                base_url="about:blank")
    document = html.render(pdf_variant="pdf/ua-1")
    return document.write_pdf(pdf_variant="pdf/ua-1"), len(document.pages)
