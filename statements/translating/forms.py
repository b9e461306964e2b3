"""Forms for translations."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import HiddenInput

from statements.drafts.models import TITLE_MAX


class StartTranslationForm(FlaskForm):
    language = SelectField(_l("Language of the translation"), choices=[])
    title = StringField(_l("Title in that language"), validators=[
        DataRequired(_l("Give the translation its title in its own language.")),
        Length(max=TITLE_MAX, message=_l("Use at most %(max)d characters.", max=TITLE_MAX))])


class UpToDateForm(FlaskForm):
    #: the source revision the translator read the paragraph against
    source_number = IntegerField(widget=HiddenInput(), validators=[DataRequired()])
