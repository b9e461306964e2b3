"""Forms for statements and their texts."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import HiddenInput

from statements.core.forms import choices
from statements.drafts.models import LANGUAGES, NOTE_MAX, SLUG_MAX, SUMMARY_MAX, TITLE_MAX


class StatementForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Give the statement a title."),
                                             Length(max=TITLE_MAX, message=f"Use at most {TITLE_MAX} characters.")])
    slug = StringField("Short address", validators=[Optional(), Length(max=SLUG_MAX, message=f"Use at most {SLUG_MAX} characters.")],
                       description="Used in the public link, for example climate-justice-now. "
                                   "Leave empty to make one from the title.")
    language = SelectField("Language of the text", choices=choices(LANGUAGES), default="en")
    summary = TextAreaField("Summary", validators=[Optional(), Length(max=SUMMARY_MAX, message=f"Use at most {SUMMARY_MAX:,} characters.")],
                            description="One or two sentences: what the statement asks for.")


class NewStatementForm(StatementForm):
    text = TextAreaField("First draft (Markdown)", validators=[Optional()],
                         description="You can start empty and write later. Use # for headings, "
                                     "**bold**, *italic*, and - for lists.")


def _newlines(text: str | None) -> str | None:
    """Browsers send a text box's line breaks as CR LF; the stored text and its diffs use LF."""
    return text.replace("\r\n", "\n") if text else text


class EditForm(FlaskForm):
    #: the revision this edit started from, so concurrent saves can be merged
    base = IntegerField(widget=HiddenInput(), validators=[DataRequired("The form is missing the revision it "
                                                                            "started from. Reload the page.")])
    #: for a translation: the source revision the translator worked from
    source_base = IntegerField(widget=HiddenInput(), validators=[Optional()])
    text = TextAreaField("Text (Markdown)", validators=[Optional()], filters=[_newlines])
    note = StringField("What did you change?", validators=[Optional(), Length(max=NOTE_MAX, message=f"Use at most {NOTE_MAX} characters.")],
                       description="A short note for the history, for example “Tightened the demands”.")
