"""Form helpers shared by every area."""

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

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
