"""Paragraphs of a Markdown text, and how a translation's paragraphs stand against the source's. Pure functions."""

import re
from dataclasses import dataclass
from enum import StrEnum

_BLANK_LINES = re.compile(r"\n[ \t]*\n+")


def paragraphs(text: str) -> list[str]:
    """Split a text into its paragraphs (blocks between blank lines), without surrounding space."""
    return [block.strip() for block in _BLANK_LINES.split((text or "").replace("\r\n", "\n")) if block.strip()]


class Standing(StrEnum):
    UP_TO_DATE = "up_to_date"
    BEHIND = "behind"  # the source paragraph changed since it was translated
    NOT_STARTED = "not_started"  # the source paragraph has no translation yet
    SOURCE_GONE = "source_gone"  # the translation has more paragraphs than the source now


@dataclass(frozen=True)
class ParagraphStanding:
    position: int
    source: str
    translated: str
    standing: Standing
    #: the source paragraph as it read when this one was last brought up to date ("" if never)
    translated_from: str = ""
    #: the number of that source revision, if any
    since_number: int | None = None


def standings(source_text: str, translated_text: str, synced: dict[int, tuple[str, int]]) -> list[ParagraphStanding]:
    """Say, paragraph by paragraph, whether a translation is up to date with its source.

    `synced` maps a translated paragraph's position to the source paragraph it was last brought up to
    date with and that source revision's number; a translated paragraph with no record is behind.
    """
    source, translated = paragraphs(source_text), paragraphs(translated_text)
    result = []
    for position in range(max(len(source), len(translated))):
        here = source[position] if position < len(source) else ""
        mine = translated[position] if position < len(translated) else ""
        was, since = synced.get(position, ("", None))
        if not mine:
            standing = Standing.NOT_STARTED
        elif position >= len(source):
            standing = Standing.SOURCE_GONE
        elif since is not None and was == here:
            standing = Standing.UP_TO_DATE
        else:
            standing = Standing.BEHIND
        result.append(ParagraphStanding(position, here, mine, standing, was, since))
    return result


def changed_positions(before: str, after: str) -> list[int]:
    """The positions of the paragraphs of `after` that differ from the paragraph at the same place before."""
    old, new = paragraphs(before), paragraphs(after)
    return [i for i, block in enumerate(new) if i >= len(old) or old[i] != block]
