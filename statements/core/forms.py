"""Form helpers shared by every area."""

from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, ValidationError
from wtforms.widgets import Select

from statements.core.errors import DomainError


def add_error(form: FlaskForm, error: DomainError) -> None:
    """Show a refusal from a service next to the field it is about (or at the top of the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [error.message]
    else:
        form.form_errors.append(error.message)



def choices(pairs) -> list[SelectChoice]:
    """Turn (value, label) pairs into select options."""
    return [SelectChoice(value, label) for value, label in pairs]


def strip_spaces(value: str | None) -> str | None:
    """Drop the spaces that come along when an address is pasted from a document or spreadsheet."""
    return value.strip() if isinstance(value, str) else value


class WebAddress(URL):
    """A full http or https address with a real host name, refused with a single message."""

    def __init__(self, message: str = _l("Enter a full web address starting with https://")):
        super().__init__(require_tld=True, message=message)

    def __call__(self, form, field):
        if not (field.data or "").startswith(("http://", "https://")):
            raise ValidationError(self.message)
        super().__call__(form, field)


class LongSelect(Select):
    """WTForms' select, writing each plain option with one format instead of its general attribute
    builder: the same HTML, in a fraction of the time a list of 250 countries otherwise takes on
    every public page."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or not isinstance(choice.value, str):
            return super().render_option(choice, **kwargs)
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or choice.value)
        return Markup(f'<option {selected}value="{escape(choice.value)}">{label}</option>')


class LongSelectField(SelectField):
    """A select over a long fixed list (countries, time zones): drawn with `LongSelect`, and an answer
    is checked by looking it up among the values instead of walking every option, as WTForms does."""

    widget = LongSelect()

    def __init__(self, label=None, validators=None, choices=None, **kwargs):
        super().__init__(label, validators, choices=choices, **kwargs)
        self.values = frozenset(choice.value for choice in self.choices)

    def pre_validate(self, form):
        if not self.process_errors and self.data not in self.values:
            raise ValidationError(self.invalid_choice_message or _("Not a valid choice."))
