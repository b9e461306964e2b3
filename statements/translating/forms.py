"""Forms for translations."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import HiddenInput

from statements.accounts.forms import email_field
from statements.drafts.models import TITLE_MAX


class StartTranslationForm(FlaskForm):
    language = SelectField(_l("Language of the translation"), choices=[])
    title = StringField(_l("Title in that language"), validators=[
        DataRequired(_l("Give the translation its title in its own language.")),
        Length(max=TITLE_MAX, message=_l("Use at most %(max)d characters.", max=TITLE_MAX))])


class UpToDateForm(FlaskForm):
    #: the source revision the translator read the paragraph against
    source_number = IntegerField(widget=HiddenInput(), validators=[DataRequired()])


class InviteTranslatorForm(FlaskForm):
    email = email_field(_l("Email address of the translator"))
    language = SelectField(_l("Language to translate into"), choices=[], validate_choice=False)  # the service says why


class StartInvitedTranslationForm(FlaskForm):
    title = StringField(_l("Title in that language"), validators=[
        DataRequired(_l("Give the translation its title in its own language.")),
        Length(max=TITLE_MAX, message=_l("Use at most %(max)d characters.", max=TITLE_MAX))])
