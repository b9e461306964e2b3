"""Markdown typed by users, rendered safely: a CommonMark parser with raw HTML off, then an
allow-list sanitizer, so no script, event handler or javascript: link reaches a page."""

from functools import cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "del", "sup", "sub",
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
