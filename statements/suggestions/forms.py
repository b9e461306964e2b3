"""Forms for suggested changes."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Optional


class SuggestionForm(FlaskForm):
    quote = HiddenField()
    revision = HiddenField()
    replacement = TextAreaField(_l("New wording"), validators=[Optional()],
                                description=_l("Leave it empty to suggest deleting the passage."))
    reason = TextAreaField(_l("Why this change?"), validators=[Optional()],
                           description=_l("Required: the group reads it before supporting the change."))


class AcceptForm(FlaskForm):
    replacement = TextAreaField(_l("Wording to take in"), validators=[Optional()],
                                description=_l("You may edit the suggested wording before accepting it."))


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Why is it rejected?"), validators=[Optional()],
                           description=_l("Required: its author is told."))
