"""Forms for exports and the network's look."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import DataRequired, Length

from statements.core.forms import LongSelectField, choices
from statements.core.i18n import current_language
from statements.core.timezones import zone_choices


class ExportForm(FlaskForm):
    kind = RadioField(_l("Format"), default="pdf", choices=choices([("pdf", _l("PDF, to send or publish")),
                                                                    ("docx", _l("Word document (.docx), to edit"))]))
    group_by = RadioField(_l("Signatories"), default="country", choices=choices([
        ("country", _l("Grouped by country")), ("alphabetical", _l("One alphabetical list"))]))
    page_size = RadioField(_l("Paper"), default="a4", choices=choices([("a4", _l("A4")), ("letter", _l("US Letter"))]))
    #: offered on a source with translations final and in step; "one" when the page does not show it
    versions = RadioField(_l("Languages"), default="one", choices=choices([
        ("one", _l("This version only")),
        ("all", _l("All final versions in one PDF, each from a new page, the signatories listed once at the end"))]))


class NetworkForm(FlaskForm):
    name = StringField(_l("The network's name, as printed on statements"), validators=[
        DataRequired(_l("Enter the network's name.")), Length(max=120, message=_l("Use at most 120 characters."))])
    logo = FileField(_l("Logo (PNG or JPEG, at most 1 MB)"))
    remove_logo = BooleanField(_l("Remove the current logo"))
    time_zone = LongSelectField(_l("The network's time zone"), choices=lambda: zone_choices(current_language()),
                                invalid_choice_message=_l("Choose a time zone from the list."),
                                description=_l("Deadlines and comment periods start from it."))
