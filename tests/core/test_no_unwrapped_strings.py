"""Every word a person reads is in the catalogs: text in the templates stands inside {{ _() }} or
{% trans %}, and the messages the code shows (flashes, refusals, form labels, command output) are
wrapped in _(), _l() or ngettext(). The few texts left out on purpose are listed with their reason."""

import ast
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
PACKAGE = ROOT / "statements"

#: a letter in any script: what makes a text words for a reader (digits and punctuation are not)
LETTER = re.compile(r"[^\W\d_]")
#: what has letters but is not words to translate: web and email addresses
NOT_WORDS = re.compile(r"https?://\S*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: a macro that writes attributes (` lang="…" dir="…"`) makes text that is part of a tag, not for reading
ATTRIBUTES_ONLY = re.compile(r'(?:\s*[\w-]+="[^"]*")+\s*')


def has_words(text: str) -> bool:
    return bool(LETTER.search(NOT_WORDS.sub("", text)))


# --- templates ---------------------------------------------------------------------------------------

#: stands for Jinja code and text already marked: never a letter, so what is left around it is checked
CODE = "\ue000"
#: attributes a person reads (or hears from a screen reader)
READ_ATTRIBUTES = {"title", "alt", "placeholder", "label", "aria-label", "aria-description",
                   "aria-roledescription", "aria-valuetext", "aria-placeholder"}
#: keyword arguments of the macros and Jinja calls whose string is shown to people
READ_ARGUMENTS = {"title", "alt", "placeholder", "label", "hint", "about", "confirm", "old_label", "new_label"}

#: (template, text with "…" for the Jinja code in it) -> why it stays as it is
TEMPLATE_TEXTS_LEFT_AS_THEY_ARE = {
    ("base.html", "… · Statements"): "the product's name, the same in every language (as in the invitation mail)",
    ("base.html", "Statements"): "the product's name, the same in every language (as in the invitation mail)",
    ("signons/staff_add.html", "Asociación de Trabajadoras del Hogar; GT; union; María López; maria@example.org"):
        "an example line in the format staff paste: a name, codes and an address, not words to translate",
    # the keys static/js/moderation.js reads (event.key): the same letters whatever the page's language
    **{("signons/moderation.html", key): "a key of a keyboard shortcut, not a word" for key in "jkxare"},
}


def marked_out(env, source: str, name: str | None = None) -> str:
    """The template's source with its Jinja code and its {% trans %} text replaced by CODE, lines kept."""
    pieces, in_trans, tag_opened = [], False, False
    for _line, kind, value in env.lex(source, name):
        if tag_opened and kind == "name" and value in ("trans", "endtrans"):
            in_trans = value == "trans"
        if kind != "whitespace":
            tag_opened = kind == "block_begin"
        if kind == "data" and not in_trans:
            pieces.append(value)
        else:
            pieces.append(CODE + "\n" * value.count("\n"))
    return "".join(pieces)


class _ReadText(HTMLParser):
    """Collect the text nodes and read attributes of a page that hold words, with their line."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._in_code = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._in_code += 1
        attributes = dict(attrs)
        for attribute, value in attrs:
            button = tag == "input" and attributes.get("type") in ("submit", "button", "reset")
            read = (attribute in READ_ATTRIBUTES or (attribute == "value" and button)
                    or (attribute == "content" and tag == "meta" and attributes.get("name") == "description"))
            if read and value:
                self._check(value)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self._in_code -= 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._in_code = max(self._in_code - 1, 0)

    def handle_data(self, data):
        if not self._in_code and not ATTRIBUTES_ONLY.fullmatch(data.replace(CODE, "")):
            self._check(data)

    def _check(self, text: str):
        if has_words(text.replace(CODE, " ")):
            self.found.append((self.getpos()[0], shown(text)))


def shown(text: str) -> str:
    """A text as a message names it: Jinja code as "…", spaces folded."""
    return " ".join(re.sub(CODE + "+", "…", text).split())


def unmarked_template_text(env, source: str, name: str | None = None) -> list[tuple[int, str]]:
    """Each (line, text) a reader sees in a template that is not marked for translation."""
    document = marked_out(env, source, name)
    if name and name.endswith(".txt"):  # mail text: every line is read, and "<" is just a character
        found = [(number, shown(line)) for number, line in enumerate(document.split("\n"), 1)
                 if has_words(line.replace(CODE, " "))]
    else:
        parser = _ReadText()
        parser.feed(document)
        parser.close()
        found = parser.found
    return found + _string_arguments(env, source, name)


def _string_arguments(env, source: str, name: str | None) -> list[tuple[int, str]]:
    """Strings given as read arguments in Jinja code: {{ field(form.x, hint="Like this") }}."""
    tokens = [token for token in env.lex(source, name) if token[1] != "whitespace"]
    found = []
    for before, (_l, kind, value), (line, string_kind, string) in zip(tokens, tokens[1:], tokens[2:]):
        if (before[1] == "name" and before[2] in READ_ARGUMENTS and kind == "operator" and value == "="
                and string_kind == "string" and has_words(ast.literal_eval(string))):
            found.append((line, ast.literal_eval(string)))
    return found


def template_names() -> list[str]:
    return sorted(path.relative_to(TEMPLATES).as_posix() for path in TEMPLATES.rglob("*") if path.is_file())


def test_every_word_in_the_templates_is_marked_for_translation(app):
    found = []
    for name in template_names():
        source = (TEMPLATES / name).read_text(encoding="utf-8")
        for line, text in unmarked_template_text(app.jinja_env, source, name):
            if (name, text) not in TEMPLATE_TEXTS_LEFT_AS_THEY_ARE:
                found.append(f"templates/{name}:{line}: {text}")
    assert found == [], "wrap these in {{ _(\"...\") }} or {% trans %}...{% endtrans %}"


def test_every_text_left_as_it_is_in_the_templates_is_still_there(app):
    seen = {(name, text) for name in template_names()
            for _line, text in unmarked_template_text(app.jinja_env, (TEMPLATES / name).read_text(encoding="utf-8"),
                                                      name)}
    assert set(TEMPLATE_TEXTS_LEFT_AS_THEY_ARE) - seen == set(), "remove what is no longer in the templates"


@pytest.mark.parametrize("source, expected", [
    ("<p>Welcome back</p>", ["Welcome back"]),
    ('<p>{{ _("Welcome") }}, {{ name }}!</p>', []),
    ("<p>Hello {{ name }}</p>", ["Hello …"]),
    ("<p>{% trans %}Hello {{ name }}{% endtrans %} friend</p>", ["… friend"]),
    ("<p>{{ trans }} Hello</p>", ["… Hello"]),
    ('<a href="{{ url }}" class="button primary" title="Edit">{{ _("Edit") }}</a>', ["Edit"]),
    ('<img src="/logo.png" alt="Logo">', ["Logo"]),
    ('<input type="submit" value="Send"><input type="hidden" name="next" value="home">', ["Send"]),
    ('<meta name="description" content="Joint statements">', ["Joint statements"]),
    ('<input placeholder="https://"><p>{{ a }} · {{ b }} &amp; 12 — &nbsp;</p>', []),
    ("<script>const label = 'words';</script><style>p::before { content: 'x' }</style>", []),
    ("<!-- a comment --><p>{# a note #}{{ x }}</p>", []),
    ('<p{% if lang %} lang="{{ lang }}"{% endif %}>{{ text }}</p>', []),
    ('{{ field(form.email, hint="We never show it") }}', ["We never show it"]),
    ('{{ field(form.email, hint=_("We never show it")) }}', []),
])
def test_the_template_scan_finds_text_a_reader_sees_and_nothing_else(app, source, expected):
    assert [text for _line, text in unmarked_template_text(app.jinja_env, source, "page.html")] == expected


def test_the_template_scan_reads_mail_text_line_by_line(app):
    source = "{{ _('Hello') }}\n\nVisit <{{ url }}> today\nhttps://example.org\n"
    assert unmarked_template_text(app.jinja_env, source, "mail/note.txt") == [(3, "Visit <…> today")]


# --- Python ------------------------------------------------------------------------------------------

#: the calls that mark a text for translation
TRANSLATING = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "pgettext", "npgettext"}
#: calls whose first argument (or message=) is shown to a person, besides the project's own errors
SHOWING = {"flash", "ValidationError", "StopValidation", "ClickException", "UsageError", "BadParameter", "echo",
           "render_error", "ConfigError"}
#: the wording of constants that hold text for people
TEXT_CONSTANT = re.compile(r"[A-Z_]*(MESSAGE|NOTICE|TITLE|LABEL|HINT|TEXT)S?")
#: calls and columns that store a text once, for every later reader whatever their language
#: a code a program reads, not words: "signon.approved", "user_deleted"
CODE_WORD = re.compile(r"[a-z_.]+")
STORING = {"record", "save_revision", "_write_revision", "_apply_decision", "moderation_note", "duplicate_reason"}

#: what a text is given to (a call, or a column it is stored in) -> why it is left in English
STORED_IN_ENGLISH = {
    "record": "the audit log's summaries are kept in English, as written when it happened, and shown to staff "
              "marked lang=\"en\" (templates/audit/log.html)",
    "save_revision": "an automatic revision note is written once, like the notes people type, and read in the "
                     "history as it was stored",
    "_write_revision": "the same: an automatic revision note, stored as written",
    "_apply_decision": "a moderation note is stored in English; the moderation queue says the automatic ones in "
                       "the reader's language (signons.staff_views.moderation_note)",
    "moderation_note": "the same: stored in English, said in the reader's language where shown",
    "duplicate_reason": "stored in English as a code; the pages say it in the reader's language "
                        "(signons.staff_views.duplicate_reason)",
}
#: (file, function called) -> why the English text given to it there is left as it is
PYTHON_TEXTS_LEFT_AS_THEY_ARE = {
    ("statements/config.py", "ConfigError"):
        "refuses to start the service before it has languages: read by whoever runs it, in its log",
    **dict.fromkeys([("statements/operations/backup.py", "Refused"), ("statements/operations/copying.py", "Refused"),
                     ("statements/operations/dataset.py", "Refused"),
                     ("statements/operations/installation.py", "Refused")],
                    "`flask data` refusals for whoever runs the server: they quote the database's own errors, "
                    "table names and shell commands, in English"),
    ("statements/demo.py", "save_revision"): "demo content: revision notes as their writers typed them",
    ("statements/demo.py", "constant"): "demo content: a statement's text, written in its own language",
}


def error_classes(modules: dict[str, ast.Module]) -> set[str]:
    """The project's own errors, anywhere in the package: DomainError and whatever inherits from it."""
    classes = {"DomainError"}
    while True:
        found = {node.name for tree in modules.values() for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
                 and any(_name_of(base) in classes for base in node.bases)}
        if found <= classes:
            return classes
        classes |= found


def _name_of(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def bare_text(node, constants: dict[str, str]) -> bool:
    """Tell whether an expression gives words that no translating call went through."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and has_words(node.value)
    if isinstance(node, ast.JoinedStr):
        return any(bare_text(part, constants) for part in node.values if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp):
        return bare_text(node.left, constants) or bare_text(node.right, constants)
    if isinstance(node, ast.IfExp):
        return bare_text(node.body, constants) or bare_text(node.orelse, constants)
    if isinstance(node, ast.Name):
        return node.id in constants
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join"):
        return bare_text(node.func.value, constants)
    return False


def _module_texts(tree: ast.Module) -> set[str]:
    """The module's constants that hold plain words: a call given one shows them untranslated."""
    return {node.targets[0].id for node in tree.body
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            and bare_text(node.value, set())}


def _shown_arguments(call: ast.Call, showing: set[str]) -> list:
    """The arguments of a call that reach a reader (or are stored for one)."""
    called = _name_of(call.func)
    keywords = {keyword.arg: keyword.value for keyword in call.keywords}
    shown = [keywords[name] for name in ("message",) if name in keywords]  # validators and errors
    if called in STORING:  # every argument but codes such as "signon.approved"
        shown += [argument for argument in call.args + list(keywords.values())
                  if not (isinstance(argument, ast.Constant) and CODE_WORD.fullmatch(str(argument.value)))]
    elif called in showing:
        shown += call.args[:1]
        if called == "render_error":
            shown += call.args[1:3] + [keywords[name] for name in ("title",) if name in keywords]
    elif called and called.endswith("Field"):  # a form field: its label and description
        shown += call.args[:1] + [keywords[name] for name in ("label", "description") if name in keywords]
    elif called == "abort":
        shown += [keywords[name] for name in ("description",) if name in keywords]
    if isinstance(keywords.get("choices"), (ast.List, ast.Tuple)):  # the label of each (value, label) choice
        shown += [choice.elts[1] for choice in keywords["choices"].elts
                  if isinstance(choice, ast.Tuple) and len(choice.elts) == 2]
    return shown


def _stored_values(node: ast.Assign) -> list[tuple[str, ast.expr]]:
    """(column, value) for each storing column an assignment sets: `a.note = v`, `a.x, a.note = u, v`."""
    target, value = node.targets[0], node.value
    pairs = (zip(target.elts, value.elts) if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple)
             and len(target.elts) == len(value.elts) else [(target, value)])
    return [(each.attr, given) for each, given in pairs if isinstance(each, ast.Attribute) and each.attr in STORING]


def unmarked_python_text(source: str, showing: set[str]) -> list[tuple[int, str, str]]:
    """Each (line, what it is given to, text) where code shows words not marked for translation."""
    tree = ast.parse(source)
    constants = _module_texts(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name_of(node.func) not in TRANSLATING:
            found += [(argument.lineno, _name_of(node.func), ast.unparse(argument))
                      for argument in _shown_arguments(node, showing) if bare_text(argument, constants)]
        elif isinstance(node, ast.Dict):  # render_kw={"placeholder": "..."}
            found += [(value.lineno, "dict", ast.unparse(value)) for key, value in zip(node.keys, node.values)
                      if isinstance(key, ast.Constant) and key.value in READ_ATTRIBUTES and bare_text(value, set())]
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            found += [(value.lineno, column, ast.unparse(value)) for column, value in _stored_values(node)
                      if bare_text(value, constants)]
    found += [(node.lineno, "constant", ast.unparse(node.value)) for node in tree.body
              if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
              and TEXT_CONSTANT.fullmatch(node.targets[0].id) and bare_text(node.value, set())]
    return found


def python_modules() -> dict[str, ast.Module]:
    return {path.relative_to(ROOT).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
            for path in sorted(PACKAGE.rglob("*.py")) if "translations" not in path.parts}


@cache
def found_in_package() -> list[tuple[str, int, str, str]]:
    """(file, line, what it is given to, text) for every English text the package shows or stores."""
    modules = python_modules()
    showing = SHOWING | error_classes(modules)
    return [(name, line, called, text) for name in modules
            for line, called, text in unmarked_python_text((ROOT / name).read_text(encoding="utf-8"), showing)]


def test_every_message_the_code_shows_is_marked_for_translation():
    found = [f"{name}:{line}: {called}({text[:90]})" for name, line, called, text in found_in_package()
             if called not in STORED_IN_ENGLISH and (name, called) not in PYTHON_TEXTS_LEFT_AS_THEY_ARE]
    assert found == [], "wrap these in _() (or _l() where the text is made before a request)"


def test_every_text_left_in_english_in_the_code_is_still_there():
    seen = {(name, called) for name, _line, called, _text in found_in_package()}
    assert set(PYTHON_TEXTS_LEFT_AS_THEY_ARE) - seen == set(), "remove what is no longer in the code"
    assert set(STORED_IN_ENGLISH) - {called for _name, called in seen} == set(), "remove what is no longer stored"


SNIPPET = '''
from flask import abort, flash
from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import StringField, SelectField
from wtforms.validators import DataRequired, ValidationError

GREETING_MESSAGE = "Welcome to the network"
PATTERN = r"[a-z]+"

class Refused(InvalidInput):
    pass

class Form:
    name = StringField("Name", validators=[DataRequired(message="Say your name")])
    kind = SelectField(_l("Kind"), choices=[("union", "Union"), ("ngo", _l("NGO"))],
                       render_kw={"placeholder": "e.g. union", "class": "wide input"})
    email = StringField(_l("Email"), description=_l("Never shown"))

def view(name, count, signon):
    flash(_("Saved."), "success")
    flash(f"Saved {name}.", "success")
    flash("Saved " + name, "success")
    flash(_("Saved %(name)s.", name=name) if count else "Nothing saved", "info")
    flash(name)
    abort(404, description="No such page")
    record(None, "signon.saved", signon, f"Saved {name}")
    signon.status, signon.moderation_note = "approved", "Approved by hand"
    raise InvalidInput(GREETING_MESSAGE, field="name")
    raise Refused(f"{name}: 42", field="x")
    raise Refused("Not yet")
    raise ValidationError(_("Too long"))
    return "{name} was saved".format(name=name)
'''


def test_the_code_scan_finds_what_a_reader_sees_untranslated_and_nothing_else():
    showing = SHOWING | error_classes({**python_modules(), "snippet": ast.parse(SNIPPET)})
    assert "Refused" in showing
    found = [(called, text) for _line, called, text in unmarked_python_text(SNIPPET, showing)]
    assert sorted(found) == sorted([
        ("StringField", "'Name'"),
        ("DataRequired", "'Say your name'"),
        ("SelectField", "'Union'"),
        ("dict", "'e.g. union'"),
        ("flash", "f'Saved {name}.'"),
        ("flash", "'Saved ' + name"),
        ("flash", "_('Saved %(name)s.', name=name) if count else 'Nothing saved'"),
        ("abort", "'No such page'"),
        ("record", "f'Saved {name}'"),
        ("moderation_note", "'Approved by hand'"),
        ("InvalidInput", "GREETING_MESSAGE"),
        ("Refused", "'Not yet'"),
        ("constant", "'Welcome to the network'"),
    ])
