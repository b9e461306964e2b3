"""Forms for comments."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Optional

from statements.comments.models import BODY_MAX


class CommentForm(FlaskForm):
    body = TextAreaField("Your comment (Markdown)", validators=[Optional()],
                         description=f"Mention a member with @ and their name without spaces, for example "
                                     f"@CarmenCoordinator. At most {BODY_MAX:,} characters.")


class NewThreadForm(CommentForm):
    quote = HiddenField()
    revision = HiddenField()
