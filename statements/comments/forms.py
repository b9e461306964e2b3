"""Forms for comments."""

from flask_babel import LazyString, format_decimal, gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Optional

from statements.comments.models import BODY_MAX


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Your comment (Markdown)"), validators=[Optional()],
                         description=LazyString(lambda: _(
                             "Mention a member with @ and their name without spaces, for example "
                             "@CarmenCoordinator. At most %(max)s characters.", max=format_decimal(BODY_MAX))))


class NewThreadForm(CommentForm):
    quote = HiddenField()
    revision = HiddenField()
