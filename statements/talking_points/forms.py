"""Forms for talking points."""

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from statements.talking_points.models import BODY_MAX, TITLE_MAX


class PointForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Give the point a short title."),
                                             Length(max=TITLE_MAX, message=f"Use at most {TITLE_MAX} characters.")])
    body = TextAreaField("The point (Markdown)", validators=[
        DataRequired("Write the point itself."), Length(max=BODY_MAX, message=f"Use at most {BODY_MAX:,} characters.")])
    sources = TextAreaField("Sources", validators=[Optional(), Length(max=10_000)],
                            description="One per line: Title | https://example.org/report")
    tags = StringField("Tags", validators=[Optional(), Length(max=700)],
                       description="Themes, separated by commas, for example: labour rights, regularization")
