"""Markdown typed by users, rendered safely: a CommonMark parser with raw HTML off, then an
allow-list sanitizer, so no script, event handler or javascript: link reaches a page.

Rendering costs a bounded time per kilobyte (see markdown_cost): a text that would cost more is shown
as typed, escaped, with a note saying why. What was rendered is kept, under a hash of the text, so
that a page shown again does not render its texts again.
"""

import re
from dataclasses import dataclass
from functools import cache

import nh3
from flask_babel import format_decimal, gettext as _, ngettext
from flask_babel import lazy_gettext as _l
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from statements.core.i18n import current_language
from statements.core.markdown_cost import (MAX_NESTING, RenderedTexts, TooCostly, bound, parse_within_budget,
                                           text_key, too_much_markup)

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "del", "s", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
AS_TYPED_NOTICE = _l("Shown as typed, without formatting: this text has more Markdown marks (such as * _ [ ] | # "
                     ">) for its length, or quotes and lists nested deeper, than can be formatted. Use fewer marks "
                     "to have it formatted.")


def _image_as_text(self, tokens, index, options, env) -> str:
    """Show an image's description instead of loading it from wherever it points."""
    alt = tokens[index].content
    return escape(_("[image: %(description)s]", description=alt)) if alt else ""


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False,
                                       "maxNesting": MAX_NESTING})
    parser.enable(["table", "strikethrough"])
    parser.add_render_rule("image", _image_as_text)
    return bound(parser)


def _clean(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="nofollow noopener noreferrer")


_BLANK_LINES = re.compile(r"\n[ \t]*\n")


def _notice_html() -> str:
    return f"<p><em>{escape(str(AS_TYPED_NOTICE))}</em></p>\n"  # a lazy string would pass as safe HTML


def _as_typed(text: str) -> str:
    """Escape a text and keep its paragraphs and line breaks, with a note on why it is not formatted."""
    paragraphs = [part for part in _BLANK_LINES.split(text) if part.strip()]
    return _notice_html() + "".join("<p>" + _lines_as_typed(part.strip("\n")) + "</p>\n" for part in paragraphs)


def _lines_as_typed(text: str) -> str:
    """Escape lines of text, keeping their breaks."""
    return str(escape(text)).replace("\n", "<br>\n")


_rendered = RenderedTexts()


def forget_rendered() -> None:
    """Empty the cache of rendered texts (for benchmarks and tests)."""
    _rendered.clear()


def render_markdown(text: str) -> Markup:
    """Render user Markdown to HTML that is safe to put in a page."""
    text = text or ""
    # the words the rendering adds (the notice, an image's description) are in the reader's language
    key = ("page", text_key(text), current_language())
    html = _rendered.get(key)
    if html is None:
        html = Markup(_render(text))
        _rendered.put(key, html, len(html))
    return html


def _render(text: str) -> str:
    if too_much_markup(text):
        return _as_typed(text)
    parser = _parser()
    try:
        tokens = parse_within_budget(parser, text)
    except TooCostly:
        return _as_typed(text)
    return _clean(parser.renderer.render(tokens, parser.options, {}))


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
    key = ("blocks", text_key(text), tuple(highlights or ()), current_language())
    blocks = _rendered.get(key)
    if blocks is None:
        blocks = _blocks(text, highlights or [])
        _rendered.put(key, blocks, sum(len(block.html) + len(block.source) for block in blocks))
    return list(blocks)


def _blocks(text: str, highlights: list[Highlight]) -> list[Block]:
    if too_much_markup(text):
        return _blocks_as_typed(text, highlights)
    source = _with_markers(text, highlights) if highlights else text
    parser = _parser()
    try:
        tokens = parse_within_budget(parser, source)
    except TooCostly:
        return _blocks_as_typed(text, highlights)
    source_lines = text.split("\n")
    spans, pieces, group = [], [], []
    for token in tokens:
        group.append(token)
        if token.level == 0 and token.nesting in (0, -1):
            first, last = group[0].map if group[0].map else (0, 0)
            spans.append((first, last))
            pieces.append(parser.renderer.render(group, parser.options, {}))
            group = []
    return [Block(Markup(_restore_marks(html) if highlights else html), first + 1, last,
                  "\n".join(source_lines[first:last])) for html, (first, last) in zip(_clean_each(pieces), spans)]


#: between blocks cleaned together: a character no text has (the markers' private range)
_BLOCK_BREAK = "\ue003"


def _clean_each(pieces: list[str]) -> list[str]:
    """Sanitize the blocks' HTML in one call (a call each costs more than the work, for short blocks)."""
    cleaned = _clean(_BLOCK_BREAK.join(piece.replace(_BLOCK_BREAK, "") for piece in pieces)).split(_BLOCK_BREAK)
    if len(cleaned) != len(pieces):  # the sanitizer moved a break: clean them one by one
        return [_clean(piece) for piece in pieces]
    return cleaned


def _blocks_as_typed(text: str, highlights: list[Highlight]) -> list[Block]:
    """Cut a text into its paragraphs, each escaped as typed, with the highlights kept."""
    source_lines = (_with_markers(text, highlights) if highlights else text).split("\n")
    text_lines = text.split("\n")
    blocks, first = [], None
    for number, line in enumerate(text_lines + [""]):
        if line.strip() and first is None:
            first = number
        elif not line.strip() and first is not None:
            html = "<p>" + _lines_as_typed("\n".join(source_lines[first:number])) + "</p>"
            blocks.append(Block(Markup(_restore_marks(html) if highlights else html), first + 1, number,
                                "\n".join(text_lines[first:number])))
            first = None
    if blocks:
        blocks[0].html = Markup(_notice_html()) + blocks[0].html
    return blocks


# --- a text with its changes marked, as readers see it -----------------------------------------

_INSERTED, _DELETED, _UNCHANGED = "\ue004", "\ue005", "\ue006"
_CHANGE_PIECE = re.compile("(<[^>]*>|[\ue004\ue005\ue006])")
#: the private characters markers are made of, as typed or as a link's address encodes them
_PRIVATE = re.compile("[\ue000-\ue006]|%EE%80%8[0-6]", re.IGNORECASE)
#: inline Markdown marks: in deleted words they would format the words around them, which no revision does
_INLINE_MARKS = re.compile(r"[*_`~\[\]|]")
_EMPHASIS_AROUND = re.compile(r"([*_~]*)(.*?)([*_~]*)", re.S)
#: a link's address, where a mark would change where it leads: it gets the newer address, unmarked
_LINK_ADDRESS = re.compile(r"\]\(([^)]*)\)")
_DELETED_WORDS = re.compile(_DELETED + "[^" + _UNCHANGED + "]*" + _UNCHANGED)


def render_changes(ops: list[tuple[int, str]]) -> Markup | None:
    """Render a diff (diff-match-patch ops between two texts) as readers see the newer text, its added words
    in <ins> and the removed ones, as they were, in <del>. None when the text cannot be formatted (too much
    Markup for its length): show the changes as typed instead."""
    source = _changes_source(ops)
    key = ("changes", text_key(source), current_language())
    html = _rendered.get(key)
    if html is None:
        html = _render_changes(source)
        _rendered.put(key, html, len(html or ""))
    return html


def _changes_source(ops: list[tuple[int, str]]) -> str:
    """The newer text with the older one's removed words in it, each change between markers, line by line and
    after any line's Markdown prefix (a heading's #, a list item's -), so blocks keep their kind."""
    pieces: list[str] = []
    at_line_start = True
    for op, text in ops:
        text = _PRIVATE.sub("", text)
        if not text:
            continue
        if op == 0:
            pieces.append(text)
        else:
            marker = _INSERTED if op > 0 else _DELETED
            lines = (_INLINE_MARKS.sub("", text) if op < 0 else text).split("\n")
            marked = []
            for number, line in enumerate(lines):
                prefix = _LINE_PREFIX.match(line).end() if (number or at_line_start) else 0
                body = line[prefix:]
                if body.strip():
                    # emphasis marks stay outside the markers, where CommonMark still sees them open and close
                    opening, words, closing = _EMPHASIS_AROUND.fullmatch(body).groups()
                    body = f"{opening}{marker}{words}{_UNCHANGED}{closing}" if words else body
                marked.append(line[:prefix] + body)
            pieces.append("\n".join(marked))
        at_line_start = text.endswith("\n")
    return _LINK_ADDRESS.sub(lambda link: "](" + _PRIVATE.sub("", _DELETED_WORDS.sub("", link.group(1))) + ")",
                             "".join(pieces))


#: unchanged blocks shown around a change; longer stretches of unchanged ones are folded away
CHANGE_CONTEXT = 1


def _render_changes(source: str) -> Markup | None:
    if too_much_markup(source):
        return None
    parser = _parser()
    try:
        tokens = parse_within_budget(parser, source)
    except TooCostly:
        return None
    pieces, group = [], []
    for token in tokens:  # one piece per top-level block, as render_blocks cuts them
        group.append(token)
        if token.level == 0 and token.nesting in (0, -1):
            pieces.append(parser.renderer.render(group, parser.options, {}))
            group = []
    changed = [_INSERTED in piece or _DELETED in piece for piece in pieces]
    return Markup(_folded([_restore_changes(html) for html in _clean_each(pieces)], changed))


def _folded(blocks: list[str], changed: list[bool]) -> str:
    """Join the blocks, folding each stretch of unchanged ones away from a change into a <details> that opens
    on a click (no script needed)."""
    near = [any(changed[max(0, i - CHANGE_CONTEXT):i + CHANGE_CONTEXT + 1]) for i in range(len(blocks))]
    html, stretch = [], []

    def fold() -> None:
        if len(stretch) > 1:
            summary = escape(ngettext("%(count)s unchanged paragraph", "%(count)s unchanged paragraphs", len(stretch),
                                      count=format_decimal(len(stretch))))
            html.append(f'<details class="diff-fold"><summary>… {summary} …</summary>{"".join(stretch)}</details>\n')
        else:
            html.extend(stretch)
        stretch.clear()

    for block, keep in zip(blocks, near):
        if keep:
            fold()
            html.append(block)
        else:
            stretch.append(block)
    fold()
    return "".join(html)


def _restore_changes(html: str) -> str:
    """Turn the markers into <ins> and <del> that nest properly: closed before each tag and opened again
    after it, so a change that begins inside bold words and ends after them is marked in both."""
    if not _PRIVATE.search(html):  # an unchanged block, as most are: nothing to turn or take out
        return html
    pieces: list[str] = []
    change, is_open = None, False
    for piece in _CHANGE_PIECE.split(html):
        if piece in (_INSERTED, _DELETED, _UNCHANGED) or piece.startswith("<"):
            if is_open:
                pieces.append("</ins>" if change == _INSERTED else "</del>")
                is_open = False
            if piece.startswith("<"):
                pieces.append(_PRIVATE.sub("", piece))  # never a mark inside a tag (a link's address)
            else:
                change = None if piece == _UNCHANGED else piece
        elif piece:
            if change and not is_open and (piece.strip() or "\n" not in piece):  # not between block tags
                pieces.append("<ins>" if change == _INSERTED else "<del>")
                is_open = True
            pieces.append(piece)
    if is_open:
        pieces.append("</ins>" if change == _INSERTED else "</del>")
    return "".join(pieces)
