"""Form helpers shared by every area."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, ValidationError

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
