"""Markdown typed by users, rendered safely: a CommonMark parser with raw HTML off, then an
allow-list sanitizer, so no script, event handler or javascript: link reaches a page."""

import re
from dataclasses import dataclass
from functools import cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "del", "s", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


def _image_as_text(self, tokens, index, options, env) -> str:
    """Show an image's description instead of loading it from wherever it points."""
    alt = tokens[index].content
    return escape(f"[image: {alt}]") if alt else ""


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable(["table", "strikethrough"])
    parser.add_render_rule("image", _image_as_text)
    return parser


def render_markdown(text: str) -> Markup:
    """Render user Markdown to HTML that is safe to put in a page."""
    html = _parser().render(text or "")
    clean = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(clean)


# --- statement text in blocks, with commented passages highlighted -----------------------------

_OPEN, _CLOSE = "\ue000", "\ue001"
_MARK_PATTERN = re.compile(_OPEN + r"(\d+)\|(\w+)" + _CLOSE)
_END = "\ue002"
_END_PATTERN = re.compile(_END + r"(\d+)" + _CLOSE)
#: a tag, or a marker: what the rendered HTML of a highlighted text is split into
_HTML_PIECE = re.compile("(<[^>]*>|" + _OPEN + r"\d+\|\w+" + _CLOSE + "|" + _END + r"\d+" + _CLOSE + ")")
#: Markdown that opens a line (heading, list item, quote): a highlight starts after it
_LINE_PREFIX = re.compile(r"[ \t]*(?:#{1,6}[ \t]+|[-*+][ \t]+|\d{1,9}[.)][ \t]+|>[ \t]?)*")


@dataclass
class Block:
    """One top-level block of a text (paragraph, heading, list...), rendered."""

    html: Markup
    first_line: int
    last_line: int
    source: str


@dataclass(frozen=True)
class Highlight:
    start: int
    end: int
    thread_id: int
    status: str


def _with_markers(text: str, highlights: list[Highlight]) -> str:
    """Wrap each highlighted stretch in marker characters, line by line, after any line prefix."""
    inserts: list[tuple[int, int, int, str]] = []  # (position, ends before openings, outer first, marker)
    # passages may overlap: each gets its own marks, the one that starts first (or is longer) outside
    for order, h in enumerate(sorted(highlights, key=lambda h: (h.start, -h.end))):
        start, end = max(h.start, 0), min(h.end, len(text))
        if start >= end:
            continue
        opener, closer = f"{_OPEN}{h.thread_id}|{h.status}{_CLOSE}", f"{_END}{h.thread_id}{_CLOSE}"
        position = start
        for line in text[start:end].split("\n"):
            line_start = position
            if line_start != start or text[line_start - 1:line_start] in ("\n", ""):
                line_start += _LINE_PREFIX.match(text, line_start).end() - line_start
            line_end = position + len(line)
            if line_start < line_end:
                inserts.append((line_start, 1, order, opener))
                inserts.append((line_end, 0, order, closer))
            position = line_end + 1
    pieces, cursor = [], 0
    for position, _, _, marker in sorted(inserts):
        pieces.append(text[cursor:position])
        pieces.append(marker)
        cursor = position
    pieces.append(text[cursor:])
    return "".join(pieces)


def _restore_marks(html: str) -> str:
    """Turn the markers into <mark> elements that nest properly: a passage may begin inside bold text
    and end after it, and passages may overlap, so the marks open at a point are closed before each
    tag and each marker, and opened again (the earlier passage outside) where text goes on."""
    if len(_MARK_PATTERN.findall(html)) != len(_END_PATTERN.findall(html)):
        return _strip_markers(html)  # a marker split by the layout: show no highlight
    pieces: list[str] = []
    active: dict[str, str] = {}  # thread id -> its opening tag, in the order the passages began
    open_now = 0  # marks open in the output
    for piece in _HTML_PIECE.split(html):
        opener, closer = _MARK_PATTERN.fullmatch(piece), _END_PATTERN.fullmatch(piece)
        if opener or closer or piece.startswith("<"):
            pieces.append("</mark>" * open_now)
            open_now = 0
            if opener:
                active[opener.group(1)] = (f'<mark class="passage passage-{opener.group(2)}" '
                                           f'data-thread="{opener.group(1)}">')
            elif closer:
                active.pop(closer.group(1), None)
            else:
                pieces.append(_strip_markers(piece))  # never a mark inside a tag
        elif piece:
            if active and not open_now and (piece.strip() or "\n" not in piece):  # not between block tags
                pieces.append("".join(active.values()))
                open_now = len(active)
            pieces.append(piece)
    pieces.append("</mark>" * open_now)
    return "".join(pieces)


def _strip_markers(html: str) -> str:
    return _END_PATTERN.sub("", _MARK_PATTERN.sub("", html))


def render_blocks(text: str, highlights: list[Highlight] | None = None) -> list[Block]:
    """Render a text block by block (so each can be commented on), highlighting commented passages."""
    text = text or ""
    source = _with_markers(text, highlights or []) if highlights else text
    parser = _parser()
    tokens = parser.parse(source)
    source_lines = text.split("\n")
    blocks, group = [], []
    for token in tokens:
        group.append(token)
        if token.level == 0 and token.nesting in (0, -1):
            opening = group[0]
            first, last = opening.map if opening.map else (0, 0)
            html = parser.renderer.render(group, parser.options, {})
            clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                              url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener noreferrer")
            blocks.append(Block(Markup(_restore_marks(clean)), first + 1, last,
                                "\n".join(source_lines[first:last])))
            group = []
    return blocks
