"""Forms for exports and the network's look."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import DataRequired, Length

from statements.core.forms import choices


class ExportForm(FlaskForm):
    kind = RadioField("Format", default="pdf", choices=choices([("pdf", "PDF, to send or publish"),
                                                                 ("docx", "Word document (.docx), to edit")]))
    group_by = RadioField("Signatories", default="country", choices=choices([
        ("country", "Grouped by country"), ("alphabetical", "One alphabetical list")]))
    page_size = RadioField("Paper", default="a4", choices=choices([("a4", "A4"), ("letter", "US Letter")]))


class NetworkForm(FlaskForm):
    name = StringField("The network's name, as printed on statements", validators=[
        DataRequired("Enter the network's name."), Length(max=120, message="Use at most 120 characters.")])
    logo = FileField("Logo (PNG or JPEG, at most 1 MB)")
    remove_logo = BooleanField("Remove the current logo")
