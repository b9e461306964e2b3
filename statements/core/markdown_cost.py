"""What rendering Markdown may cost: a bounded time per kilobyte, whatever was typed.

The parser (markdown-it, in pure Python) works on marks, not letters: every bracket, asterisk, bar or
line break makes it try its rules, and some texts make it scan the same stretch again for every mark
(links that never close, addresses that never end, tables whose rows leave cells out). So a text is
formatted only when it has no more marks for its length than writing has (`too_much_markup`), and the
parser itself counts its steps and stops past a budget that grows with the text's length
(`parse_within_budget`); a text refused either way is shown as typed instead. The limits come from
benchmarks/bench_markdown.py, which renders ordinary prose beside the worst inputs found.
"""

import hashlib
import importlib
import re
import threading
from collections import OrderedDict
from types import SimpleNamespace

from markdown_it import MarkdownIt
from markdown_it.common.utils import unescapeAll
from markdown_it.helpers import parseLinkDestination, parseLinkLabel, parseLinkTitle

#: the characters that make the parser try its rules (markdown-it's inline terminators, and | for table
#: cells); brackets, emphasis, code, escapes, entities and bars cost it about twice the others
HEAVY_MARKS = "[]!*_~`\\<&|"
LIGHT_MARKS = "#$%+-:=>@^{}"
#: and a line break four times as much, since the block rules are tried on each line
LINE_WEIGHT = 4
#: weight of marks any text may carry, however short, and one more for each MARK_SPACING characters;
#: ordinary writing weighs about one for every 30 characters, a text with a link in every sentence one
#: for every 11
MARKS_ALLOWED = 200
MARK_SPACING = 10
#: the parser's steps (rules tried, tokens skipped) any text may take, and more for each character;
#: ordinary writing takes about one step for every 12 characters, a text full of links one for every 4
STEPS_ALLOWED = 1_000
STEPS_PER_CHARACTER = 0.5
#: how deep blocks may nest (quotes, lists): the parser drops whatever lies deeper
MAX_NESTING = 20
#: how many cells the tables of a text may leave out: the parser fills each one in, so a wide header
#: over rows of one cell would multiply its work (markdown-it allows 65,536 per table)
TABLE_CELLS_LEFT_OUT = 64
#: a link's address may be this long and nest parentheses this deep (markdown-it: no limit, and 32)
ADDRESS_MAX = 2_048
ADDRESS_PARENTHESES = 8

_WORK = "statements_steps_left"

# the table rule reads this setting of its module on every table and offers no option for it; set here,
# on import, it holds for every parser in the process (the Word export's too). The module is looked up by
# name: the package's attribute of the same name is the rule function.
importlib.import_module("markdown_it.rules_block.table").MAX_AUTOCOMPLETED_CELLS = TABLE_CELLS_LEFT_OUT


class TooCostly(Exception):
    """The text would take the parser more work than its length allows, or nests too deep."""


def markup_weight(text: str) -> int:
    """Weigh the marks the parser has to work on, a line break the most (each line may open a block)."""
    return (2 * sum(map(text.count, HEAVY_MARKS)) + sum(map(text.count, LIGHT_MARKS))
            + LINE_WEIGHT * text.count("\n"))


def too_much_markup(text: str) -> bool:
    """Tell whether a text has more marks for its length than can be formatted at a bounded cost."""
    return markup_weight(text) > MARKS_ALLOWED + len(text) / MARK_SPACING


def _spend(env: dict) -> None:
    try:
        env[_WORK] -= 1
    except KeyError:  # parsed without a budget: not through parse_within_budget
        return
    if env[_WORK] < 0:
        raise TooCostly


def _counted(rule):
    def counted_rule(state, *args):  # _spend, written out: the parser calls its rules thousands of times a text
        env = state.env
        try:
            left = env[_WORK] - 1
        except KeyError:  # parsed without a budget: not through parse_within_budget
            return rule(state, *args)
        env[_WORK] = left
        if left < 0:
            raise TooCostly
        return rule(state, *args)

    return counted_rule


def bound(parser: MarkdownIt) -> MarkdownIt:
    """Make a parser count its steps (see parse_within_budget) and read link addresses in bounded time."""
    for ruler in (parser.block.ruler, parser.inline.ruler):
        for rule in list(ruler.__rules__):
            ruler.at(rule.name, _counted(rule.fn), {"alt": list(rule.alt)})
    skip_token = parser.inline.skipToken

    def counted_skip(state):  # a label that never closes makes the parser skip the same tokens again
        _spend(state.env)
        skip_token(state)

    parser.inline.skipToken = counted_skip
    parser.helpers = SimpleNamespace(parseLinkLabel=parseLinkLabel, parseLinkTitle=parseLinkTitle,
                                     parseLinkDestination=link_address)
    return parser


def parse_within_budget(parser: MarkdownIt, text: str) -> list:
    """Parse a bound parser's text, or raise TooCostly past its budget of steps or of nesting."""
    env = {_WORK: STEPS_ALLOWED + int(len(text) * STEPS_PER_CHARACTER)}
    tokens = parser.parse(text, env)
    if any(token.level >= MAX_NESTING - 1 for token in tokens):
        raise TooCostly  # the parser stopped there and dropped the rest of that block
    return tokens


class _Address:
    """What markdown-it's link rules read of an address."""

    __slots__ = ("ok", "pos", "str")

    def __init__(self, ok: bool = False, pos: int = 0, text: str = ""):
        self.ok, self.pos, self.str = ok, pos, text


#: where reading a bare address may stop or change course
_ADDRESS_STOP = re.compile(r"[\x00-\x20\x7f\\()]")


def link_address(string: str, pos: int, maximum: int):
    """Read a link's address as markdown-it does, jumping from one parenthesis or escape to the next.

    markdown-it reads a bare address letter by letter up to the 33rd unclosed "(", and reads it again
    for every "](" in a long word; here each reading stops after ADDRESS_MAX characters or
    ADDRESS_PARENTHESES unclosed "(", and the letters between are skipped by the regular expression.
    """
    if string.startswith("<", pos):  # <address>: read up to the next < or >, so never read twice
        return parseLinkDestination(string, pos, maximum)
    start, level = pos, 0
    end = min(maximum, pos + ADDRESS_MAX)
    while pos < end:
        found = _ADDRESS_STOP.search(string, pos, end)
        if found is None:
            pos = end
            break
        pos = found.start()
        char = string[pos]
        if char == "\\":
            if pos + 1 < end and string[pos + 1] == " ":
                break
            pos += 2 if pos + 1 < end else 1
            continue
        if char == "(":
            level += 1
            if level > ADDRESS_PARENTHESES:
                return _Address()
        elif char == ")":
            if level == 0:
                break
            level -= 1
        else:  # a space or a control character ends it
            break
        pos += 1
    if pos == start or level != 0 or pos == end < maximum:  # nothing, unclosed, or longer than an address
        return _Address()
    return _Address(True, pos, unescapeAll(string[start:pos]))


# --- rendered texts, kept -----------------------------------------------------------------------------

#: rendered texts kept in each process, at most this many, holding at most this many characters
CACHE_ENTRIES = 2_048
CACHE_CHARACTERS = 16_000_000


class RenderedTexts:
    """What was rendered, under a hash of its text: a bounded cache shared by a process's requests."""

    def __init__(self, entries: int = CACHE_ENTRIES, characters: int = CACHE_CHARACTERS):
        self.entries, self.characters = entries, characters
        self._kept: OrderedDict[tuple, tuple[object, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()  # requests run in threads: a look-up must not meet an eviction

    def get(self, key: tuple):
        """Return what was kept under a key, or None."""
        with self._lock:
            found = self._kept.get(key)
            if found is None:
                return None
            self._kept.move_to_end(key)
            return found[0]

    def put(self, key: tuple, value, size: int) -> None:
        """Keep a rendering of `size` characters, dropping the least recently used beyond the bounds."""
        if size > self.characters // 8:  # one huge text would push out everything else
            return
        with self._lock:
            if key in self._kept:
                return
            self._kept[key] = (value, size)
            self._size += size
            while len(self._kept) > self.entries or self._size > self.characters:
                _, (_, dropped) = self._kept.popitem(last=False)
                self._size -= dropped

    def __len__(self) -> int:
        return len(self._kept)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._size = 0


def text_key(text: str) -> bytes:
    """Return a digest of a text: the cache holds no text, and two texts never share a rendering."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
