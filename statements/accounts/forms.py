"""Forms for signing in, invitations, account settings, groups and organizations."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from statements.accounts.models import EMAIL_MAX, NAME_MAX, ORGANIZATION_TYPES, PASSWORD_MIN
from statements.core.countries import country_choices
from statements.core.forms import EmailAddress, LongSelectField, WebAddress, choices, strip_spaces
from statements.core.i18n import LANGUAGES, current_language
from statements.core.timezones import zone_choices
from statements.core.languages import text_direction
from statements.core.policy import Role

ROLE_CHOICES = [(role.value, role.lazy_label) for role in Role]


def email_field(label: str = _l("Email address"), **kwargs) -> EmailField:
    return EmailField(label, filters=[strip_spaces], validators=[
        DataRequired(_l("Enter an email address.")),
        Length(max=EMAIL_MAX, message=_l("An email address can be at most %(max)d characters.", max=EMAIL_MAX)),
        EmailAddress(_l("Enter an email address like name@example.org."), check_deliverability=False),
    ], render_kw={"autocomplete": "email", "spellcheck": "false"}, **kwargs)


def new_password_fields(label: str = _l("New password")):
    password = PasswordField(label, validators=[
        DataRequired(_l("Choose a password.")),
        Length(min=PASSWORD_MIN, max=200, message=_l("Use at least %(min)d characters (and at most 200).", min=PASSWORD_MIN)),
    ], description=_l("At least %(min)d characters. A few unrelated words make a strong password.", min=PASSWORD_MIN),
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Type the password again"), validators=[
        DataRequired(_l("Type the password again.")),
        EqualTo("password", message=_l("The two passwords are not the same. Type them again.")),
    ], render_kw={"autocomplete": "new-password"})
    return password, confirm


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me logged in on this device"))


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields()


def display_name_field() -> StringField:
    """The name a person is known by, as they give it when they join and change it later."""
    return StringField(_l("Your name"), validators=[
        DataRequired(_l("Enter the name other members will see.")),
        Length(max=NAME_MAX, message=_l("Use at most %(max)d characters.", max=NAME_MAX)),
    ], description=_l("Shown to the people you work with here, in working groups and on translations."),
        render_kw={"autocomplete": "name"})


class AcceptInvitationForm(FlaskForm):
    display_name = display_name_field()
    password, confirm = new_password_fields(_l("Choose a password"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password."))],
                                     render_kw={"autocomplete": "current-password"})
    password, confirm = new_password_fields()


def _id_or_none(value):
    """A select's value as an id, "" (none chosen) as None; anything else as given, which no choice matches."""
    if value in ("", None):
        return None
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else text


class ProfileForm(FlaskForm):
    """A person's own details: the name others see, their organization, the time zone of their dates."""

    display_name = display_name_field()
    organization_id = SelectField(_l("Your organization"), coerce=_id_or_none, validate_choice=True,
                                  invalid_choice_message=_l("Choose an organization from the list."))
    time_zone = LongSelectField(_l("Your time zone"), choices=lambda: zone_choices(current_language()),
                                invalid_choice_message=_l("Choose a time zone from the list."),
                                description=_l("Dates and times on your pages and in your emails are shown in it."))


class ChangeEmailForm(FlaskForm):
    email = email_field(_l("New email address"))
    password = PasswordField(_l("Your password"), validators=[DataRequired(_l("Enter your password to confirm it is you."))],
                             render_kw={"autocomplete": "current-password"})


class InvitationForm(FlaskForm):
    email = email_field(_l("Email address of the person to invite"))
    group_id = SelectField(_l("Working group"), coerce=int, validators=[Optional()],
                           description=_l("Optional: the group they join when they accept."))
    role = SelectField(_l("Role in the group"), choices=choices(ROLE_CHOICES), default=Role.MEMBER.value)
    organization_id = SelectField(_l("Member organization"), coerce=int, validators=[Optional()],
                                  description=_l("Optional: the organization they work for."))
    make_admin = BooleanField(_l("Make them network staff (full administrative rights)"))


class GroupForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the group a name.")),
                                           Length(max=120, message=_l("Use at most %(max)d characters.", max=120))])
    description = TextAreaField(_l("What the group works on"), validators=[
        Optional(), Length(max=2000, message=_l("Use at most 2,000 characters."))])


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=choices(ROLE_CHOICES))


class AddMemberForm(FlaskForm):
    email = email_field(_l("Email address of an existing account"))
    role = SelectField(_l("Role"), choices=choices(ROLE_CHOICES), default=Role.MEMBER.value)


class OrganizationForm(FlaskForm):
    name = StringField(_l("Organization name"), validators=[DataRequired(_l("Enter the organization's name.")),
                                                        Length(max=200, message=_l("Use at most %(max)d characters.", max=200))])
    country = SelectField(_l("Country"), choices=choices([("", _l("Choose a country"))] + country_choices()),
                          validators=[DataRequired(_l("Choose the country where the organization is based."))])
    org_type = SelectField(_l("Type of organization"), choices=choices([("", _l("Choose a type"))] + ORGANIZATION_TYPES),
                           validators=[DataRequired(_l("Choose the type of organization."))])
    website = URLField(_l("Website"), filters=[strip_spaces], validators=[
        Optional(), Length(max=300, message=_l("Use at most %(max)d characters.", max=300)),
        WebAddress(message=_l("Enter a full web address starting with https://")),
    ], description=_l("Optional, for example https://example.org"))


def language_choices() -> list[SelectChoice]:
    """The interface languages, each named in itself (and marked as such), after the browser's own."""
    return [SelectChoice("", _l("The language of my browser"))] + [
        SelectChoice(code, name, render_kw={"lang": code, "dir": text_direction(code)})
        for code, name in LANGUAGES.items()
    ]


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language of pages and emails"), choices=language_choices(), validate_choice=True,
                           validators=[Optional()],
                           description=_l("Emails to you are written in it too."))
