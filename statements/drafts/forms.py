"""Forms for statements and their texts."""

from flask_babel import LazyString, format_decimal, gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import HiddenInput

from statements.core.forms import LongSelectField, choices
from statements.core.i18n import current_language
from statements.core.timezones import zone_choices
from statements.drafts.models import LANGUAGES, NOTE_MAX, SLUG_MAX, SUMMARY_MAX, TITLE_MAX


def at_most(limit: int) -> LazyString:
    """Say a field's limit in the reader's language, with the number written their way (20,000 or 20.000)."""
    return LazyString(lambda: _("Use at most %(max)s characters.", max=format_decimal(limit)))


class StatementForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the statement a title.")),
                                                 Length(max=TITLE_MAX, message=at_most(TITLE_MAX))])
    slug = StringField(_l("Short address"), validators=[Optional(), Length(max=SLUG_MAX, message=at_most(SLUG_MAX))],
                       description=_l("Used in the public link, for example climate-justice-now. "
                                      "Leave empty to make one from the title."))
    language = SelectField(_l("Language of the text"), choices=choices(LANGUAGES), default="en")
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=SUMMARY_MAX, message=at_most(SUMMARY_MAX))],
                            description=_l("One or two sentences: what the statement asks for."))


class NewStatementForm(StatementForm):
    text = TextAreaField(_l("First draft (Markdown)"), validators=[Optional()],
                         description=_l("You can start empty and write later. Use # for headings, "
                                        "**bold**, *italic*, and - for lists."))


def _newlines(text: str | None) -> str | None:
    """Browsers send a text box's line breaks as CR LF; the stored text and its diffs use LF."""
    return text.replace("\r\n", "\n") if text else text


class EditForm(FlaskForm):
    #: the revision this edit started from, so concurrent saves can be merged
    base = IntegerField(widget=HiddenInput(), validators=[DataRequired(_l("The form is missing the revision it "
                                                                          "started from. Reload the page."))])
    #: for a translation: the source revision the translator worked from
    source_base = IntegerField(widget=HiddenInput(), validators=[Optional()])
    text = TextAreaField(_l("Text (Markdown)"), validators=[Optional()], filters=[_newlines])
    note = StringField(_l("What did you change?"), validators=[Optional(), Length(max=NOTE_MAX, message=at_most(NOTE_MAX))],
                       description=_l("A short note for the history, for example “Tightened the demands”."))


class CommentPeriodForm(FlaskForm):
    """When the comment period ends, what happens then, and who may take part."""

    ends_date = StringField(_l("Ends on (optional)"), validators=[Optional(), Regexp(
        r"^\d{4}-\d{2}-\d{2}$", message=_l("Write the date as year-month-day, for example 2027-03-08."))],
        render_kw={"type": "date"}, description=_l("Leave empty to end the comment period by hand."))
    ends_time = StringField(_l("Time"), default="18:00", validators=[Optional(), Regexp(
        r"^\d{2}:\d{2}$", message=_l("Write the time as hours:minutes, for example 18:00."))],
        render_kw={"type": "time"})
    time_zone = LongSelectField(_l("Time zone of the end"), default="UTC",
                                choices=lambda: zone_choices(current_language()),
                                invalid_choice_message=_l("Choose a time zone from the list."))
    at_the_end = RadioField(_l("When that time comes"), default="remind", choices=lambda: choices([
        ("remind", _("Remind the coordinators, and leave the period open until one of them ends it")),
        ("close", _("End the comment period by itself (the statement goes back to draft)"))]),
        validators=[DataRequired(_l("Choose what happens at the end."))],
        invalid_choice_message=_l("Choose one of the two things that can happen at the end."))
    open_to_network = BooleanField(_l("Members of every group in the network may read the draft and comment, "
                                      "not only this group"))


class CorrectionForm(FlaskForm):
    """A corrected text of a published statement, with a note saying what changed and why."""

    base = IntegerField(widget=HiddenInput(), validators=[DataRequired(_l("The form is missing the revision it "
                                                                          "started from. Reload the page."))])
    text = TextAreaField(_l("Corrected text (Markdown)"), validators=[Optional()], filters=[_newlines])
    note = StringField(_l("What did you correct, and why?"), validators=[
        DataRequired(_l("Say what you corrected and why: readers see this note.")),
        Length(max=NOTE_MAX, message=at_most(NOTE_MAX))],
        description=_l("Shown on the public page beside the date of the correction, for example "
                       "“Corrected the name of the fund”."))
    #: what the coordinator last saw previewed (statements.signons.staff_views.previewed_key): sent only when
    #: the text and note are the ones they saw
    previewed = HiddenField()
