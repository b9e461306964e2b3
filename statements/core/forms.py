"""Form helpers shared by every area."""

import re

import email_validator
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, Email, HostnameValidation, ValidationError
from wtforms.widgets import Select

from statements.core.errors import DomainError


def add_error(form: FlaskForm, error: DomainError) -> None:
    """Show a refusal from a service next to the field it is about (or at the top of the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [error.message]
    else:
        form.form_errors.append(error.message)



class Choices(list):
    """Select options that also know the set of their values (a long select looks answers up in it)."""

    def __init__(self, options):
        super().__init__(options)
        self.values = frozenset(option.value for option in self)


def choices(pairs) -> Choices:
    """Turn (value, label) pairs into select options."""
    return Choices(SelectChoice(value, label) for value, label in pairs)


def strip_spaces(value: str | None) -> str | None:
    """Drop the spaces that come along when an address is pasted from a document or spreadsheet."""
    return value.strip() if isinstance(value, str) else value


class WebAddress(URL):
    """A full http or https address with a real host name, refused with a single message."""

    def __init__(self, message: str = _l("Enter a full web address starting with https://")):
        super().__init__(require_tld=True, message=message)
        self.validate_hostname = _HostNames(self.validate_hostname)

    def __call__(self, form, field):
        if not (field.data or "").startswith(("http://", "https://")):
            raise ValidationError(self.message)
        super().__call__(form, field)


class _HostNames:
    """WTForms' check of a host, asking whether it is an IP address only when it may be one: digits and dots, or a
    colon (IPv6). WTForms asks Python's `ipaddress` twice for every host, and each refusal raises and catches two
    exceptions, which cost a sign-on with a website more than the rest of the address's checks; a name with any
    other character is no IP address, and gets the same answer without them."""

    def __init__(self, check: HostnameValidation):
        self.check = check
        self.named = HostnameValidation(require_tld=check.require_tld, allow_ip=False)

    def __call__(self, hostname: str) -> bool:
        may_be_an_address = ":" in hostname or not hostname.strip("0123456789.")
        return (self.check if may_be_an_address else self.named)(hostname)


#: an address of plain ASCII that email_validator accepts, checked by one expression: a dot-atom of RFC 5322's
#: characters, an @, and host names of letters, digits and inner hyphens, at most 63 long, the last ending in a
#: letter (every top-level domain does). email_validator refuses such an address only when it is longer than 254,
#: names a special-use domain, or has a label with "--" (which it reads as Punycode or refuses): each said below.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                            r"@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                            r"(?:[A-Za-z0-9][A-Za-z0-9-]{0,61})?[A-Za-z])\Z")
#: an address longer than this is refused (RFC 5321, as email_validator counts it)
_LONGEST_ADDRESS = 254


def plainly_valid_address(text: str) -> bool:
    """Whether `text` is an email address email_validator surely accepts, as most are, found without it: it takes
    some 50 to 120 microseconds for each (Unicode tables, IDNA, a dozen passes over the text), which is more than
    a sign-on's other checks together. False says nothing: the address is then for email_validator to judge."""
    found = _PLAIN_ADDRESS.match(text) if len(text) <= _LONGEST_ADDRESS else None
    if found is None or email_validator.STRICT:  # (strict, it also limits the part before the @)
        return False
    domain = found.group(1).lower()
    return "--" not in domain and not any(domain == name or domain.endswith("." + name)
                                          for name in email_validator.SPECIAL_USE_DOMAIN_NAMES)  # (read as it reads it)


class EmailAddress(Email):
    """WTForms' check of an email address by email_validator, answered at once for a plain address it surely accepts
    (`plainly_valid_address`); every other is checked by email_validator, refused with the same message, and every
    address is when the check asks whether its domain receives mail (`check_deliverability`)."""

    def __call__(self, form, field):
        if self.check_deliverability is False and isinstance(field.data, str) and plainly_valid_address(field.data):
            return
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


class LookedUpChoices:
    """A choice field whose answer is checked by looking it up among the values of its options, instead of walking
    every option, as WTForms does (the sign-on form checks three of them for every signatory)."""

    def __init__(self, label=None, validators=None, choices=None, **kwargs):
        super().__init__(label, validators, choices=choices, **kwargs)
        # options made once per language (`choices`) bring their values; others are read here
        found = self.choices
        self.values = found.values if isinstance(found, Choices) else frozenset(choice.value for choice in found)

    def pre_validate(self, form):
        if not self.process_errors and self.data not in self.values:
            raise ValidationError(self.invalid_choice_message or _("Not a valid choice."))


class LongSelectField(LookedUpChoices, SelectField):
    """A select over a fixed list (countries, time zones, types), drawn with `LongSelect` and checked by looking the
    answer up (`LookedUpChoices`)."""

    widget = LongSelect()


class LookedUpRadioField(LookedUpChoices, RadioField):
    """Radio buttons over a fixed list, checked by looking the answer up (`LookedUpChoices`)."""
