"""Forms for talking points."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from statements.drafts.forms import at_most
from statements.talking_points.models import BODY_MAX, TITLE_MAX


class PointForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the point a short title.")),
                                                 Length(max=TITLE_MAX, message=at_most(TITLE_MAX))])
    body = TextAreaField(_l("The point (Markdown)"), validators=[
        DataRequired(_l("Write the point itself.")), Length(max=BODY_MAX, message=at_most(BODY_MAX))])
    sources = TextAreaField(_l("Sources"), validators=[Optional(), Length(max=10_000, message=at_most(10_000))],
                            description=_l("One per line: Title | https://example.org/report"))
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=700, message=at_most(700))],
                       description=_l("Themes, separated by commas, for example: labour rights, regularization"))
