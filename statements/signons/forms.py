"""Forms for signing on, confirming, and managing sign-ons."""

from functools import cache

from flask_babel import format_decimal, gettext as _, lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from statements.accounts.forms import WebAddress, strip_spaces
from statements.accounts.models import ORGANIZATION_TYPES
from statements.core.countries import country_choices
from statements.core.forms import EmailAddress, LongSelectField, LookedUpRadioField, choices
from statements.core.timezones import zone_choices
from statements.core.i18n import current_language
from statements.signons.models import ENTERED_FROM_MAX, MESSAGE_MAX, NAME_MAX, PARTNER_NAME_MAX, Visibility


def at_most(limit: int) -> Length:
    """Refuse more than `limit` characters, saying the limit as the reader writes numbers."""
    return Length(max=limit, message=LazyString(lambda: _("Use at most %(max)s characters.",
                                                           max=format_decimal(limit))))


def _countries():
    """The countries named and sorted in the reader's language (the values are the ISO codes)."""
    return _country_options(current_language())


@cache
def _country_options(language: str):
    return choices([("", _("Choose a country"))] + country_choices(language))


def _organization_types():
    return _organization_type_options(current_language())


@cache
def _organization_type_options(language: str):
    return choices([("", _("Choose a type"))] + [(code, str(label)) for code, label in ORGANIZATION_TYPES])


def _visibilities():
    return _visibility_options(current_language())


@cache
def _visibility_options(language: str):
    # (the labels are read once per language: each form used to translate them again, twice)
    return choices([(v.value, str(v.label)) for v in Visibility])


def _time_zones():
    """The time zones by region, each named by its city in the reader's language."""
    return zone_choices(current_language())


def with_web_scheme(value: str | None) -> str | None:
    """An address typed as people say it ("www.example.org") gets https:// in front; the rest is left to check."""
    if isinstance(value, str) and value and "://" not in value and "." in value and " " not in value \
            and ":" not in value.split("/")[0]:
        return "https://" + value
    return value


#: how an email address is refused, on every form of sign-on
_EMAIL_LIKE = _l("Enter an email address like name@example.org.")


class SignOnForm(FlaskForm):
    # choices are given as functions, called for each form: their words are in the reader's language;
    # addresses (dir="ltr") are written left to right, also on a right-to-left page
    organization_name = StringField(_l("Organization name"), validators=[
        DataRequired(_l("Enter your organization's name.")), at_most(NAME_MAX)],
        description=_l("As it should appear on the list of signatories."), render_kw={"autocomplete": "organization"})
    country = LongSelectField(_l("Country"), choices=_countries,
                              validators=[DataRequired(_l("Choose the country where your organization is based."))],
                              invalid_choice_message=_l("Choose the country where your organization is based from "
                                                        "the list."))
    org_type = LongSelectField(_l("Type of organization"), choices=_organization_types,
                               validators=[DataRequired(_l("Choose the type of organization."))],
                               invalid_choice_message=_l("Choose the type of organization from the list."))
    website = StringField(_l("Website (optional)"), filters=[strip_spaces, with_web_scheme], validators=[
        Optional(), at_most(300), WebAddress(_l("Enter a full web address starting with https://"))],
        render_kw={"inputmode": "url", "autocomplete": "url", "dir": "ltr"})
    contact_name = StringField(_l("Your name"), validators=[
        DataRequired(_l("Enter the name of the person signing for the organization.")),
        at_most(120)], render_kw={"autocomplete": "name"})
    contact_email = EmailField(_l("Your email address"), filters=[strip_spaces], validators=[
        DataRequired(_l("Enter an email address: we send a link there to confirm the signature.")),
        at_most(254), EmailAddress(_EMAIL_LIKE, check_deliverability=False)],
        description=_l("We send a confirmation link here. It is never shown publicly."),
        render_kw={"autocomplete": "email", "spellcheck": "false", "dir": "ltr"})
    message = TextAreaField(_l("A message to the coordinators (optional)"), validators=[
        Optional(), at_most(MESSAGE_MAX)])
    visibility = LookedUpRadioField(_l("How should your organization appear?"), default=Visibility.NAMED.value,
                                    choices=_visibilities,
                                    validators=[DataRequired(_l("Choose how your organization should appear."))],
                                    invalid_choice_message=_l("Choose one of the three ways your organization can "
                                                              "appear."))
    authorized = BooleanField(_l("I am authorized to sign on behalf of this organization"), validators=[
        DataRequired(_l("Tick the box to confirm you may sign for this organization."))])
    consent_to_contact = BooleanField(_l("You may email me about future statements of the network"))
    #: left empty by people; filled by bots that fill every field
    nickname = StringField(_l("Leave this field empty"), validators=[Optional()])
    #: when the form was shown, signed, to refuse forms sent faster than a person can fill them
    started = HiddenField()
    #: the token of the partner link that brought the signer here, if any (signons.campaign)
    via = HiddenField()


class CodeForm(FlaskForm):
    contact_email = EmailField(_l("The email address you signed with"), filters=[strip_spaces], validators=[
        DataRequired(_l("Enter the email address you signed with.")), at_most(254),
        EmailAddress(_EMAIL_LIKE, check_deliverability=False)], render_kw={"dir": "ltr"})
    code = StringField(_l("The six-digit code from the email"), filters=[strip_spaces], validators=[
        DataRequired(_l("Enter the six-digit code.")), Regexp(r"^\d{6}$", message=_l("The code is six digits, like 042917."))],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "dir": "ltr"})


class ResendForm(FlaskForm):
    contact_email = EmailField(_l("The email address you signed with"), filters=[strip_spaces], validators=[
        DataRequired(_l("Enter the email address you signed with.")), at_most(254),
        EmailAddress(_EMAIL_LIKE, check_deliverability=False)], render_kw={"dir": "ltr"})


class OpenSignOnForm(FlaskForm):
    deadline_date = StringField(_l("Deadline: date (optional)"), validators=[Optional(), Regexp(
        r"^\d{4}-\d{2}-\d{2}$", message=_l("Write the date as year-month-day, for example 2027-03-08."))],
        render_kw={"type": "date"}, description=_l("Leave empty to close sign-on by hand."))
    deadline_time = StringField(_l("Deadline: time"), default="23:59", validators=[Optional(), Regexp(
        r"^\d{2}:\d{2}$", message=_l("Write the time as hours:minutes, for example 18:00."))], render_kw={"type": "time"})
    timezone = LongSelectField(_l("Time zone of the deadline"), default="UTC", choices=_time_zones,
                               invalid_choice_message=_l("Choose a time zone from the list."))
    requires_approval = BooleanField(_l("Staff approve each confirmed sign-on before it is listed"), default=True)
    hide_list = BooleanField(_l("Keep the list of names private until the statement is published (the count still "
                                "shows)"))
    closing_message = TextAreaField(_l("Message shown when sign-on is closed (optional)"), validators=[
        Optional(), at_most(1000)])


class DecisionForm(FlaskForm):
    note = StringField(_l("Note (optional, for staff)"), validators=[Optional(), at_most(1000)])


class PaperEntryForm(FlaskForm):
    """One paper (or summit) sign-on typed by staff; the source stays filled from one entry to the next."""

    organization_name = StringField(_l("Organization name"), validators=[
        DataRequired(_l("Enter the organization's name, as written on the form.")), at_most(NAME_MAX)],
        render_kw={"autocomplete": "off", "autofocus": True})
    contact_name = StringField(_l("Name of the person who signed"), validators=[
        DataRequired(_l("Enter the name of the person who signed the form.")), at_most(120)],
        render_kw={"autocomplete": "off"})
    country = LongSelectField(_l("Country"), choices=_countries,
                              validators=[DataRequired(_l("Choose the organization's country."))],
                              invalid_choice_message=_l("Choose the organization's country from the list."))
    org_type = SelectField(_l("Type of organization"), choices=_organization_types,
                           validators=[DataRequired(_l("Choose the type of organization."))],
                           invalid_choice_message=_l("Choose the type of organization from the list."))
    contact_email = EmailField(_l("Email address (optional)"), filters=[strip_spaces], validators=[
        Optional(), at_most(254), EmailAddress(_EMAIL_LIKE, check_deliverability=False)],
        description=_l("Never shown publicly. No mail is sent."),
        render_kw={"autocomplete": "off", "spellcheck": "false", "dir": "ltr"})
    entered_from = StringField(_l("Source of these sign-ons"), filters=[strip_spaces], validators=[
        DataRequired(_l("Say where these sign-ons come from, like “Paper form, Nairobi summit”.")),
        at_most(ENTERED_FROM_MAX)],
        description=_l("Where these sign-ons come from, like “Paper form, Nairobi summit”. It stays filled for "
                       "the next entry. Only staff and coordinators see it."))
    save_anyway = BooleanField(_l("Save anyway: it is a different organization"))
    #: the name a duplicate warning was about: "save anyway" holds for that name only
    warned_name = HiddenField()
    #: one-time key of this form (signons.paper.new_entry_key): a form sent twice adds one sign-on
    entry_key = HiddenField()


class StaffAddForm(FlaskForm):
    rows = TextAreaField(_l("Sign-ons, one per line"), validators=[Optional(), at_most(500_000)],
                         description=_l("Organization; country code or name; type; contact name; contact email; "
                                        "website (optional). Or upload a CSV file with those columns."))
    default_visibility = SelectField(_l("How they appear"), default=Visibility.NAMED.value, choices=_visibilities)


class GoalForm(FlaskForm):
    # text, not a number field: "0", "lots" or "1e9" get an answer in words beside the field
    goal = StringField(_l("Goal: number of sign-ons (optional)"), validators=[Optional(), at_most(20)],
                       description=_l("A whole number, like 500. Leave it empty for no goal."),
                       render_kw={"inputmode": "numeric", "autocomplete": "off"})


class PartnerLinkForm(FlaskForm):
    name = StringField(_l("Partner's name"), validators=[
        DataRequired(_l("Enter the partner's name, like the member organization the link is for.")),
        at_most(PARTNER_NAME_MAX)],
        description=_l("Only coordinators and staff see it: the public sees an ordinary sign-on form."))


class SignatoryForm(FlaskForm):
    """What staff may correct of a signatory: only what the public list shows (contacts stay as typed)."""

    organization_name = StringField(_l("Organization name"), validators=[
        DataRequired(_l("Enter the organization's name.")), at_most(NAME_MAX)])
    country = LongSelectField(_l("Country"), choices=_countries,
                              validators=[DataRequired(_l("Choose the country where the organization is based."))],
                              invalid_choice_message=_l("Choose the country from the list."))
    org_type = SelectField(_l("Type of organization"), choices=_organization_types,
                           validators=[DataRequired(_l("Choose the type of organization."))],
                           invalid_choice_message=_l("Choose the type of organization from the list."))
    #: the moderation page to go back to, with its filters (checked to stay on this site)
    back = HiddenField()
