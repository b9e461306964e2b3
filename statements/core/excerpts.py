"""Short excerpts of Markdown texts for lists and previews: the words a reader sees, without `**` or `#`."""

from markdown_it import MarkdownIt

from statements.core.markdown_cost import TooCostly, bound, parse_within_budget, too_much_markup

#: an excerpt needs only the start of a text: the parser reads this many characters per character shown
_READ_PER_SHOWN = 4
_WORD_TYPES = {"text", "code_inline", "image"}  # an image by its description, as pages show it
_BREAK_TYPES = {"softbreak", "hardbreak"}


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False})
    parser.enable(["table", "strikethrough"])
    return bound(parser)


def _words(text: str) -> str:
    """The words of a Markdown text, as a reader sees them; the text itself when it is too costly to read."""
    if too_much_markup(text):
        return text
    try:
        tokens = parse_within_budget(_parser(), text)
    except TooCostly:
        return text
    parts = []
    for token in tokens:
        if token.type == "inline":
            parts += [" " if child.type in _BREAK_TYPES else child.content for child in token.children or []
                      if child.type in _WORD_TYPES | _BREAK_TYPES]
            parts.append(" ")
        elif token.type in ("code_block", "fence"):
            parts += [token.content, " "]
    return "".join(parts)


def plain_excerpt(text: str | None, length: int = 240) -> str:
    """At most `length` characters of a Markdown text's words, cut at a word, with an ellipsis when cut."""
    words = " ".join(_words((text or "")[:length * _READ_PER_SHOWN + 200]).split())
    if len(words) <= length:
        return words
    cut = words[:length].rsplit(" ", 1)[0] if " " in words[:length] else words[:length - 1]
    return cut.rstrip(" ,;:.") + "…"
