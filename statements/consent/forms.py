"""Forms for opening a consent round and recording an organization's position."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from statements.consent.models import Stance
from statements.core.forms import LongSelectField, choices
from statements.core.i18n import current_language
from statements.core.timezones import zone_choices


class OpenRoundForm(FlaskForm):
    """Which organizations are asked, and by when they answer."""

    organizations = SelectMultipleField(_l("Organizations asked"), coerce=int, widget=ListWidget(prefix_label=False),
                                        option_widget=CheckboxInput(), validate_choice=False)
    ends_date = StringField(_l("Answers by"), validators=[DataRequired(_l("Give the date by which organizations "
                                                                           "answer.")), Regexp(
        r"^\d{4}-\d{2}-\d{2}$", message=_l("Write the date as year-month-day, for example 2027-03-08."))],
        render_kw={"type": "date"})
    ends_time = StringField(_l("Time"), default="18:00", validators=[Optional(), Regexp(
        r"^\d{2}:\d{2}$", message=_l("Write the time as hours:minutes, for example 18:00."))],
        render_kw={"type": "time"})
    time_zone = LongSelectField(_l("Time zone"), default="UTC", choices=lambda: zone_choices(current_language()),
                                invalid_choice_message=_l("Choose a time zone from the list."))


class PositionForm(FlaskForm):
    """An organization's position on the text, with a comment."""

    stance = RadioField(_l("Position"),
                        choices=lambda: choices([(stance.value, stance.label) for stance in Stance]),
                        validators=[DataRequired(_l("Choose one of the three positions."))],
                        invalid_choice_message=_l("Choose one of the three positions."))
    comment = TextAreaField(_l("Comment"), description=_l("Needed with concerns or when your organization cannot "
                                                          "support the text: say what would have to change."))
