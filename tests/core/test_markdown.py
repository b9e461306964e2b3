"""Markdown typed by users renders as formatted text and never as code or markup that runs."""

import html
import random
import re
from html.parser import HTMLParser

import pytest
from markdown_it.helpers import parseLinkDestination

from statements.core import markdown
from statements.core.markdown import (ALLOWED_TAGS, AS_TYPED_NOTICE, Highlight, forget_rendered, render_blocks,
                                      render_markdown)
from statements.core.markdown_cost import ADDRESS_MAX, ADDRESS_PARENTHESES, TABLE_CELLS_LEFT_OUT, link_address, \
    too_much_markup
from tests.comments.pages import highlighted

XSS = [
    # raw HTML: script, event handlers, embedded content, style
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<<script>script>alert(1)<</script>/script>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('x');\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<a href=\"https://example.org\" onclick=\"alert(1)\">x</a>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<object data=\"x.swf\"></object>",
    "<embed src=\"x.swf\">",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<form action=javascript:alert(1)><input type=submit></form>",
    "<base href=\"javascript:/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # links with dangerous schemes, in Markdown and reference links
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript://%0Aalert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "[click][ref]\n\n[ref]: data:text/html,<script>alert(1)</script>",
    "[click][]\n\n[click]: vbscript:msgbox(1) \"title\"",
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,alert(1)>",
    # entity-encoded and obfuscated schemes
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](&#0000106&#0000097vascript:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](java\u0000script:alert(1))",
    "[click](\u200bjavascript:alert(1))",
    "[click](\u00a0javascript:alert(1))",
    "[click](ｊａｖａｓｃｒｉｐｔ:alert(1))",
    # attribute breakouts
    "[x](https://example.org\" onmouseover=\"alert(1))",
    "[x](https://example.org \"title\\\" onmouseover=\\\"alert(1)\")",
    "[x](https://example.org 'a' onmouseover='alert(1)')",
    "![x\" onerror=\"alert(1)](https://example.org/x.png)",
    "![img](javascript:alert(1))",
    "![img](data:image/svg+xml,<svg onload=alert(1)>)",
    # Markdown nested around markup
    "**<img src=x onerror=alert(1)>**",
    "[<img src=x onerror=alert(1)>](https://example.org)",
    "[![x](x.png)](javascript:alert(1))",
    "> <script>alert(1)</script>\n> [q](javascript:alert(1))",
    "- [item](javascript:alert(1))\n- <svg onload=alert(1)>",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",
    "```html\n<script>alert(1)</script>\n```",
    "<!-- --><script>alert(1)</script><!-- -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\ufeff<script>alert(1)</script>",
    "<scr\u0000ipt>alert(1)</scr\u0000ipt>",
]

SAFE_SCHEMES = {"http", "https", "mailto"}
#: how a browser finds a URL's scheme (WHATWG URL): after trimming C0 controls and spaces and
#: dropping tabs and line breaks, letters then letters, digits, + - . up to a colon
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def scheme_of(url: str) -> str | None:
    url = url.strip("".join(map(chr, range(0x21)))).replace("\t", "").replace("\n", "").replace("\r", "")
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else None


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)

    handle_startendtag = handle_starttag


def assert_safe(rendered: str, allow_list: bool = True) -> None:
    """Fail when rendered HTML holds a tag, attribute or link that could run code.

    allow_list=False checks a whole page, whose layout has tags and attributes of its own.
    """
    lowered = rendered.lower()
    assert "<script" not in lowered
    assert "<svg" not in lowered and "<img" not in lowered and "<iframe" not in lowered
    assert "<style" not in lowered and "<object" not in lowered and "<embed" not in lowered
    collector = _Collector()
    collector.feed(rendered)
    collector.close()
    if allow_list:
        assert set(collector.tags) <= ALLOWED_TAGS, set(collector.tags) - ALLOWED_TAGS
    for tag, name, value in collector.attributes:
        assert not name.startswith("on"), (tag, name, value)
        assert name != "style", (tag, name, value)
        if allow_list:
            assert name in {"href", "title", "rel", "start", "align"}, (tag, name, value)
        if name == "href":  # the parser has already decoded character references, as a browser does
            assert scheme_of(value) in SAFE_SCHEMES | {None}, value


@pytest.mark.parametrize("payload", XSS)
def test_markup_and_scripts_typed_in_markdown_never_render_as_markup(payload):
    assert_safe(str(render_markdown(payload)))


def test_the_corpus_has_at_least_thirty_payloads():
    assert len(set(XSS)) >= 30


def test_the_safety_check_itself_catches_unsafe_html():
    for unsafe in ('<script>x</script>', '<p onclick="x">a</p>', '<a href="javascript:x">a</a>',
                   '<a href=" jav&#x61;script:x">a</a>', '<a href="java&#x09;script:x">a</a>',
                   '<a href="data:text/html,x">a</a>', '<a href="VBScript:x">a</a>', '<img src=x>',
                   '<p style="color:red">a</p>'):
        with pytest.raises(AssertionError):
            assert_safe(unsafe)


def test_raw_html_shows_as_the_text_that_was_typed():
    rendered = str(render_markdown("Use <b>bold</b> & <script>alert(1)</script>"))
    assert "&lt;b&gt;bold&lt;/b&gt;" in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered


def test_a_link_with_a_dangerous_scheme_shows_as_text_not_as_a_link():
    rendered = str(render_markdown("[click](javascript:alert(1)) and [ok](https://example.org)"))
    assert rendered.count("<a ") == 1
    assert "[click](javascript:alert(1))" in rendered


def test_images_show_their_description_instead_of_loading():
    rendered = str(render_markdown('![Map of displacement <b>2024</b>](https://tracker.example/pixel.png)'))
    assert "[image: Map of displacement &lt;b&gt;2024&lt;/b&gt;]" in rendered
    assert "tracker.example" not in rendered


def test_ordinary_markdown_still_renders():
    text = (
        "# Protection now\n\n"
        "## Our demands\n\n"
        "### In detail\n\n"
        "We *urge* governments to act, **without delay**, and ~~later~~ now.\n\n"
        "- regularization\n- decent work\n\n"
        "3. first\n4. second\n\n"
        "> Quoted from the 2024 report.\n\n"
        "See [the report](https://example.org/report \"Report\") or [write](mailto:info@example.org) "
        "or [our page](/s/protection-now).\n\n"
        "| Country | Displaced |\n|:--------|----------:|\n| Chad | 1,000 |\n\n"
        "Inline `code` and\n\n```\na block\n```\n\n---\n"
    )
    rendered = str(render_markdown(text))
    assert_safe(rendered)
    for piece in ("<h1>Protection now</h1>", "<h2>Our demands</h2>", "<h3>In detail</h3>", "<em>urge</em>",
                  "<strong>without delay</strong>", "<li>regularization</li>",
                  '<ol start="3">', "<blockquote>", "<code>code</code>", "<pre><code>a block", "<hr>",
                  "<table>", "<th", ">Country</th>", "<td", ">Chad</td>"):
        assert piece in rendered, piece
    assert '<a href="https://example.org/report" title="Report" rel="nofollow noopener noreferrer">the report</a>' \
        in rendered
    assert 'href="mailto:info@example.org"' in rendered
    assert 'href="/s/protection-now"' in rendered


def test_struck_out_words_show_as_struck_out():
    """A struck word must not silently read as kept: "we do ~~not~~ support" means the opposite."""
    rendered = str(render_markdown("We do ~~not~~ support forced returns."))
    assert_safe(rendered)
    assert "<s>not</s>" in rendered or "<del>not</del>" in rendered


def test_text_in_other_scripts_renders_unchanged():
    rendered = str(render_markdown("## نطالب بالحماية\n\nChúng tôi yêu cầu **bảo vệ** 🌍"))
    assert "<h2>نطالب بالحماية</h2>" in rendered
    assert "<strong>bảo vệ</strong> 🌍" in rendered


def test_empty_text_renders_nothing():
    assert str(render_markdown("")) == ""
    assert str(render_markdown(None)) == ""


def test_the_corpus_is_harmless_on_every_page_that_shows_markdown(client, world):
    corpus = "\n\n".join(p for p in XSS if "\x00" not in p)  # a NUL is refused at the door: test_nul_characters.py
    client.login(world.emails["member"])
    preview = client.submit(f"/statements/{world.statement_id}/preview", {"text": corpus})
    assert preview.status_code == 200
    assert_safe(preview.get_data(as_text=True))
    saved = client.submit(f"/statements/{world.statement_id}/edit", {"base": "2", "text": corpus, "note": "XSS"})
    assert saved.status_code == 302
    for path in ("", "/revisions/3", "/compare?from=2&to=3", "/compare?from=2&to=3&view=side"):
        page = client.get(f"/statements/{world.statement_id}{path}").get_data(as_text=True)
        assert "alert(1)" in page  # the payloads are on the page, as text
        main = page.split("<main", 1)[1].split("</main>", 1)[0]
        main = re.sub(r'<script src="/static/js/[\w.-]+\.js" defer></script>', "", main)  # the site's own
        assert_safe(main, allow_list=False)


# --- highlighted passages ---------------------------------------------------------------------------

def _page(text: str, *passages: tuple[str, int]) -> str:
    """Render text with an open thread on each (quoted words, thread id)."""
    marks = [Highlight(text.index(quote), text.index(quote) + len(quote), thread, "exact") for quote, thread in passages]
    return "".join(block.html for block in render_blocks(text, marks))


def _marked(text: str, *passages: tuple[str, int]) -> dict[int, str]:
    """The words each thread's highlight shows, as a browser shows them."""
    return highlighted(_page(text, *passages))


def test_passages_that_do_not_overlap_are_each_highlighted_whole():
    text = "Floods force people from their homes. States must open regular pathways."
    assert _marked(text, ("Floods force people", 1), ("regular pathways", 2)) == {
        1: "Floods force people", 2: "regular pathways"}


def test_a_passage_inside_another_is_highlighted_whole_within_the_outer_one():
    text = "States must open regular pathways for everyone displaced by disasters."
    passages = (("open regular pathways for everyone", 1), ("pathways", 2))
    assert _marked(text, *passages) == {1: "open regular pathways for everyone", 2: "pathways"}
    mark = '<mark class="passage passage-exact" data-thread="{}">'.format
    assert f"{mark(1)}open regular </mark>{mark(1)}{mark(2)}pathways</mark></mark>{mark(1)} for everyone</mark>" \
        in _page(text, *passages)


def test_crossing_passages_are_each_highlighted_whole():
    text = "States must open regular pathways for everyone displaced by disasters."
    assert _marked(text, ("must open regular", 1), ("regular pathways for", 2)) == {
        1: "must open regular", 2: "regular pathways for"}


def test_passages_that_overlap_across_bold_text_and_lines_are_each_highlighted_whole():
    text = "We need **legal protection** for people\nwho move, and the communities that host them."
    marked = _marked(text, ("need **legal protection** for people\nwho move", 1), ("protection** for", 2),
                     ("people\nwho move, and the", 3))
    assert marked == {1: "need legal protection for peoplewho move", 2: "protection for", 3: "peoplewho move, and the"}


# --- what rendering may cost ---------------------------------------------------------------------------

def _as_typed(rendered) -> bool:
    return str(AS_TYPED_NOTICE) in html.unescape(str(rendered))


@pytest.mark.parametrize("text", ["[" * 20_000, "*_" * 10_000, "![" * 10_000, "`" * 20_000, "<" * 20_000,
                                  ("[" * 100 + "\n") * 200, "# a\n" * 5_000, "a|b\n-|-\n" + "|\n" * 9_000,
                                  "[x]: /u\n\n" + "[x]" * 6_000, "&#" * 10_000])
def test_text_with_far_more_marks_than_writing_has_is_shown_as_typed(text):
    rendered = str(render_markdown(text))
    assert _as_typed(rendered)
    assert_safe(rendered)
    assert "<a " not in rendered and "<em>" not in rendered.replace(f"<em>{html.escape(str(AS_TYPED_NOTICE))}</em>", "")
    typed = html.unescape(re.sub(r"<[^>]+>", "", rendered.split("</p>", 1)[1]))
    assert typed.replace("\n", "") == text.replace("\n", "")  # nothing lost, nothing added
    assert too_much_markup(text)


def test_the_words_rendering_adds_are_in_each_reader_s_language(app):
    forget_rendered()
    full_of_marks, image = "*_" * 10_000, "![a map of the region](https://example.org/m.png)"
    said = {}
    for language in ("es", "ar", "es"):
        with app.test_request_context(headers={"Accept-Language": language}):
            said[language] = (str(render_markdown(full_of_marks)), "".join(block.html for block in render_blocks(
                full_of_marks)), str(render_markdown(image)))
            assert "Shown as typed" not in said[language][0]  # each reading in its own language, cached or not
    assert all("Se muestra tal como se escribió, sin formato" in page for page in said["es"][:2])
    assert all("يُعرض كما كُتب، دون تنسيق" in page for page in said["ar"][:2])
    assert "[imagen: a map of the region]" in said["es"][2] and "[صورة: a map of the region]" in said["ar"][2]
    forget_rendered()


def test_quotes_nested_deeper_than_the_parser_follows_are_shown_as_typed_with_nothing_lost():
    text = "Before.\n\n" + ">" * 30 + " the deepest words\n\n" + "- a\n" + "".join("  " * i + "- b\n" for i in range(1, 30))
    rendered = str(render_markdown(text))
    assert "the deepest words" in rendered  # markdown-it alone drops what lies deeper than its limit
    assert _as_typed(rendered)
    assert rendered.count("<blockquote>") == 0
    blocks = render_blocks(text)
    assert "the deepest words" in "".join(block.html for block in blocks)
    assert not _as_typed(render_markdown("> > > > quoted four deep\n\n- a\n  - b\n    - c"))


def test_tables_may_leave_out_only_a_few_cells():
    header = "|" + "h|" * 20 + "\n|" + "-|" * 20 + "\n"
    rendered = str(render_markdown(header + "x\n" * 20))
    assert not _as_typed(rendered)
    # each row of one cell leaves out 19, which the parser fills in: the table stops past 64 of them
    assert rendered.count("<td") <= 20 * (TABLE_CELLS_LEFT_OUT // 19 + 1)
    assert rendered.count("<tr>") < 10
    full = "| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 12 + "| 3 |\n" * 8
    assert str(render_markdown(full)).count("<tr>") == 21  # a table with a few short rows is whole


def test_long_statements_and_comments_full_of_links_and_lists_are_formatted():
    from benchmarks.bench_drafts import TextMaker

    maker = TextMaker(2026)
    statement = maker.document(20_000)
    assert len(statement) > 100_000
    assert not too_much_markup(statement)
    rendered = str(render_markdown(statement))
    assert not _as_typed(rendered) and rendered.count("<h2>") > 20 and "<strong>" in rendered
    comment = "\n\n".join(f"See [{maker.noun_phrase()}](https://example.org/{maker.noun()}-{n}) and "
                          f"**{maker.noun()}**, as {maker.sentence()}" for n in range(150))
    assert len(comment) > 15_000
    assert not _as_typed(render_markdown(comment))
    assert not _as_typed(render_markdown("**Yes** to [this](https://example.org/a-b-c)!"))
    assert not _as_typed(render_markdown("| Country | Signatories |\n|---|--:|\n" + "| Chad | 12 |\n" * 12))


def test_every_payload_shown_as_typed_is_as_harmless_as_when_formatted():
    for payload in XSS:
        rendered = str(render_markdown(payload + "\n\n" + "[" * 3_000))
        assert _as_typed(rendered), payload
        assert_safe(rendered)
        page = "".join(block.html for block in render_blocks(payload + "\n\n" + "[" * 3_000))
        assert _as_typed(page)
        assert_safe(page)


def test_a_text_shown_as_typed_keeps_its_highlighted_passages():
    text = "Floods force people from their homes.\n\n" + "[" * 3_000 + "\n\nStates must open regular pathways."
    assert _marked(text, ("Floods force people", 1), ("regular pathways", 2)) == {
        1: "Floods force people", 2: "regular pathways"}
    blocks = render_blocks(text)
    assert [(block.first_line, block.last_line) for block in blocks] == [(1, 1), (3, 3), (5, 5)]


def test_rendered_texts_are_kept_by_a_hash_of_the_text_within_bounds(monkeypatch):
    forget_rendered()
    first = render_markdown("Protection **now**.")
    assert render_markdown("Protection **now**.") is first  # rendered once
    assert str(render_markdown("Protection **later**.")) != str(first)
    assert render_blocks("A\n\nB") == render_blocks("A\n\nB") and render_blocks("A\n\nB") is not render_blocks("A\n\nB")
    monkeypatch.setattr(markdown._rendered, "entries", 10)
    for number in range(50):
        render_markdown(f"Text number {number}")
    assert len(markdown._rendered._kept) <= 10
    assert all(isinstance(key[1], bytes) and len(key[1]) == 32 for key in markdown._rendered._kept)
    forget_rendered()


def test_a_text_that_would_make_the_parser_scan_again_and_again_is_shown_as_typed():
    # few marks for its length, but every "![" opens a label that never closes: markdown-it would skip
    # through the rest of the paragraph again for each one, and stops here at its budget of steps
    text = ("![" + "x" * 40) * 480
    assert not too_much_markup(text)
    assert _as_typed(render_markdown(text))
    assert not _as_typed(render_markdown(("![" + "x" * 40) * 3 + "] and ![a map](https://example.org/m.png)"))


def test_link_addresses_are_read_as_markdown_it_reads_them():
    rnd = random.Random(2026)
    pieces = ["a", "é", "/", "(", ")", "\\", "\\ ", "\\(", " ", "\n", "\x01", "\x7f", "<", ">", "%20", "https://x.org"]
    for _ in range(5_000):
        string = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 24)))
        for pos in range(min(len(string), 3)):
            ours, theirs = link_address(string, pos, len(string)), parseLinkDestination(string, pos, len(string))
            if theirs.ok and _deepest(string[pos:theirs.pos]) > ADDRESS_PARENTHESES:
                assert not ours.ok  # deeper than any address: refused sooner
                continue
            assert (ours.ok, ours.pos, ours.str) == (theirs.ok, theirs.pos, theirs.str), (string, pos)
    address = "https://example.org/" + "a" * ADDRESS_MAX
    assert not link_address(address + ")", 0, len(address) + 1).ok  # too long to be an address


def _deepest(address: str) -> int:
    level = deepest = 0
    escaped = False
    for char in address:
        if not escaped and char == "(":
            level += 1
            deepest = max(deepest, level)
        elif not escaped and char == ")":
            level -= 1
        escaped = char == "\\" and not escaped
    return deepest
