"""Forms for signing in, invitations, account settings, groups and organizations."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from statements.accounts.models import EMAIL_MAX, NAME_MAX, ORGANIZATION_TYPES, PASSWORD_MIN
from statements.core.countries import country_choices
from statements.core.forms import WebAddress, choices, strip_spaces
from statements.core.policy import Role

ROLE_CHOICES = [(role.value, role.label) for role in Role]


def email_field(label: str = "Email address", **kwargs) -> EmailField:
    return EmailField(label, filters=[strip_spaces], validators=[
        DataRequired("Enter an email address."),
        Length(max=EMAIL_MAX, message=f"An email address can be at most {EMAIL_MAX} characters."),
        Email("Enter an email address like name@example.org.", check_deliverability=False),
    ], render_kw={"autocomplete": "email", "spellcheck": "false"}, **kwargs)


def new_password_fields(label: str = "New password"):
    password = PasswordField(label, validators=[
        DataRequired("Choose a password."),
        Length(min=PASSWORD_MIN, max=200, message=f"Use at least {PASSWORD_MIN} characters (and at most 200)."),
    ], description=f"At least {PASSWORD_MIN} characters. A few unrelated words make a strong password.",
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Type the password again", validators=[
        DataRequired("Type the password again."),
        EqualTo("password", message="The two passwords are not the same. Type them again."),
    ], render_kw={"autocomplete": "new-password"})
    return password, confirm


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Keep me logged in on this device")


class ForgotPasswordForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields()


class AcceptInvitationForm(FlaskForm):
    display_name = StringField("Your name", validators=[
        DataRequired("Enter the name other members will see."),
        Length(max=NAME_MAX, message=f"Use at most {NAME_MAX} characters."),
    ], description="Shown to the other members of your working groups.", render_kw={"autocomplete": "name"})
    password, confirm = new_password_fields("Choose a password")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired("Enter your current password.")],
                                     render_kw={"autocomplete": "current-password"})
    password, confirm = new_password_fields()


class ChangeEmailForm(FlaskForm):
    email = email_field("New email address")
    password = PasswordField("Your password", validators=[DataRequired("Enter your password to confirm it is you.")],
                             render_kw={"autocomplete": "current-password"})


class InvitationForm(FlaskForm):
    email = email_field("Email address of the person to invite")
    group_id = SelectField("Working group", coerce=int, validators=[Optional()],
                           description="Optional: the group they join when they accept.")
    role = SelectField("Role in the group", choices=choices(ROLE_CHOICES), default=Role.MEMBER.value)
    organization_id = SelectField("Member organization", coerce=int, validators=[Optional()],
                                  description="Optional: the organization they work for.")
    make_admin = BooleanField("Make them network staff (full administrative rights)")


class GroupForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Give the group a name."),
                                           Length(max=120, message="Use at most 120 characters.")])
    description = TextAreaField("What the group works on", validators=[
        Optional(), Length(max=2000, message="Use at most 2,000 characters.")])


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=choices(ROLE_CHOICES))


class AddMemberForm(FlaskForm):
    email = email_field("Email address of an existing account")
    role = SelectField("Role", choices=choices(ROLE_CHOICES), default=Role.MEMBER.value)


class OrganizationForm(FlaskForm):
    name = StringField("Organization name", validators=[DataRequired("Enter the organization's name."),
                                                        Length(max=200, message="Use at most 200 characters.")])
    country = SelectField("Country", choices=choices([("", "Choose a country")] + country_choices()),
                          validators=[DataRequired("Choose the country where the organization is based.")])
    org_type = SelectField("Type of organization", choices=choices([("", "Choose a type")] + ORGANIZATION_TYPES),
                           validators=[DataRequired("Choose the type of organization.")])
    website = URLField("Website", filters=[strip_spaces], validators=[
        Optional(), Length(max=300, message="Use at most 300 characters."),
        WebAddress(message="Enter a full web address starting with https://"),
    ], description="Optional, for example https://example.org")
