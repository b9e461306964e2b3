"""Forms for signing on, confirming, and managing sign-ons."""

from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import BooleanField, EmailField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError
from wtforms.widgets import Select

from statements.accounts.forms import WebAddress, strip_spaces
from statements.accounts.models import ORGANIZATION_TYPES
from statements.core.countries import country_choices
from statements.core.forms import choices
from statements.signons.models import MESSAGE_MAX, NAME_MAX, Visibility

TIMEZONES = sorted(available_timezones() - {"localtime", "Factory"})


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
            raise ValidationError(self.invalid_choice_message or self.gettext("Not a valid choice."))


class SignOnForm(FlaskForm):
    organization_name = StringField("Organization name", validators=[
        DataRequired("Enter your organization's name."), Length(max=NAME_MAX, message=f"Use at most {NAME_MAX} characters.")],
        description="As it should appear on the list of signatories.", render_kw={"autocomplete": "organization"})
    country = LongSelectField("Country", choices=choices([("", "Choose a country")] + country_choices()),
                          validators=[DataRequired("Choose the country where your organization is based.")],
                          invalid_choice_message="Choose the country where your organization is based from the list.")
    org_type = SelectField("Type of organization", choices=choices([("", "Choose a type")] + ORGANIZATION_TYPES),
                           validators=[DataRequired("Choose the type of organization.")],
                           invalid_choice_message="Choose the type of organization from the list.")
    website = StringField("Website (optional)", filters=[strip_spaces], validators=[
        Optional(), Length(max=300, message="Use at most 300 characters."), WebAddress()],
        render_kw={"inputmode": "url", "autocomplete": "url"})
    contact_name = StringField("Your name", validators=[
        DataRequired("Enter the name of the person signing for the organization."),
        Length(max=120, message="Use at most 120 characters.")], render_kw={"autocomplete": "name"})
    contact_email = EmailField("Your email address", filters=[strip_spaces], validators=[
        DataRequired("Enter an email address: we send a link there to confirm the signature."),
        Length(max=254, message="Use at most 254 characters."),
        Email("Enter an email address like name@example.org.", check_deliverability=False)],
        description="We send a confirmation link here. It is never shown publicly.",
        render_kw={"autocomplete": "email", "spellcheck": "false"})
    message = TextAreaField("A message to the coordinators (optional)", validators=[
        Optional(), Length(max=MESSAGE_MAX, message=f"Use at most {MESSAGE_MAX:,} characters.")])
    visibility = RadioField("How should your organization appear?", default=Visibility.NAMED.value,
                            choices=choices([(v.value, v.label) for v in Visibility]),
                            validators=[DataRequired("Choose how your organization should appear.")],
                            invalid_choice_message="Choose one of the three ways your organization can appear.")
    authorized = BooleanField("I am authorized to sign on behalf of this organization", validators=[
        DataRequired("Tick the box to confirm you may sign for this organization.")])
    consent_to_contact = BooleanField("You may email me about future statements of the network")
    #: left empty by people; filled by bots that fill every field
    nickname = StringField("Leave this field empty", validators=[Optional()])
    #: when the form was shown, signed, to refuse forms sent faster than a person can fill them
    started = HiddenField()


class CodeForm(FlaskForm):
    contact_email = EmailField("The email address you signed with", filters=[strip_spaces], validators=[
        DataRequired("Enter the email address you signed with."), Length(max=254),
        Email("Enter an email address like name@example.org.", check_deliverability=False)])
    code = StringField("The six-digit code from the email", filters=[strip_spaces], validators=[
        DataRequired("Enter the six-digit code."), Regexp(r"^\d{6}$", message="The code is six digits, like 042917.")],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})


class ResendForm(FlaskForm):
    contact_email = EmailField("The email address you signed with", filters=[strip_spaces], validators=[
        DataRequired("Enter the email address you signed with."), Length(max=254),
        Email("Enter an email address like name@example.org.", check_deliverability=False)])


class OpenSignOnForm(FlaskForm):
    deadline_date = StringField("Deadline: date (optional)", validators=[Optional(), Regexp(
        r"^\d{4}-\d{2}-\d{2}$", message="Write the date as year-month-day, for example 2027-03-08.")],
        render_kw={"type": "date"}, description="Leave empty to close sign-on by hand.")
    deadline_time = StringField("Deadline: time", default="23:59", validators=[Optional(), Regexp(
        r"^\d{2}:\d{2}$", message="Write the time as hours:minutes, for example 18:00.")], render_kw={"type": "time"})
    timezone = LongSelectField("Time zone of the deadline", default="UTC", choices=choices([(z, z) for z in TIMEZONES]),
                           invalid_choice_message="Choose a time zone from the list, such as America/Guatemala.")
    requires_approval = BooleanField("Staff approve each confirmed sign-on before it is listed", default=True)
    hide_list = BooleanField("Keep the list of names private until the statement is published (the count still shows)")
    closing_message = TextAreaField("Message shown when sign-on is closed (optional)", validators=[
        Optional(), Length(max=1000, message="Use at most 1,000 characters.")])


class DecisionForm(FlaskForm):
    note = StringField("Note (optional, for staff)", validators=[Optional(), Length(max=1000)])


class StaffAddForm(FlaskForm):
    rows = TextAreaField("Sign-ons, one per line", validators=[Optional(), Length(max=500_000)],
                         description="Organization; country code or name; type; contact name; contact email; website "
                                     "(optional). Or upload a CSV file with those columns.")
    default_visibility = SelectField("How they appear", default=Visibility.NAMED.value,
                                     choices=choices([(v.value, v.label) for v in Visibility]))
