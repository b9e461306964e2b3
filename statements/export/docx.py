"""Make a .docx of the same content as the PDF, for partners who edit in a word processor. Pure."""

import base64
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Inches, Mm, Pt
from markdown_it import MarkdownIt

from statements.core.languages import direction_of, text_direction
from statements.export.labels import page_of_parts
from statements.export.pdf import ExportData, grouped


def _add_inline(paragraph, inline_token) -> None:
    bold = italic = False
    for child in inline_token.children or []:
        if child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type == "em_open":
            italic = True
        elif child.type == "em_close":
            italic = False
        elif child.type in ("text", "code_inline"):
            run = paragraph.add_run(child.content)
            # None, not False: a run outside ** keeps its style's weight, such as a heading's bold
            run.bold, run.italic = bold or None, italic or None
        elif child.type in ("softbreak", "hardbreak"):
            paragraph.add_run(" ")


#: what follows w:bidi in a paragraph's properties, in the order Word requires
_AFTER_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
               "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
               "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def _right_to_left(paragraph) -> None:
    """Lay a paragraph out right to left (python-docx has no setting for it). Runs of a right-to-left script,
    or of none (spaces, punctuation), are marked right to left too; a run that starts in Latin script, such
    as an organization's name, keeps its own direction and size."""
    paragraph._p.get_or_add_pPr().insert_element_before(OxmlElement("w:bidi"), *_AFTER_BIDI)
    for run in paragraph.runs:
        if direction_of(run.text, "rtl") == "rtl":
            run.font.rtl = True
        # Word draws Arabic letters bold or italic by the complex-script settings
        run.font.cs_bold, run.font.cs_italic = run.bold, run.italic


def _add_markdown(document, text: str) -> list:
    """Add the statement's text; return the paragraphs added."""
    added = []
    tokens = MarkdownIt("commonmark", {"html": False}).parse(text)
    list_style = None
    pending_style = "Normal"
    for index, token in enumerate(tokens):
        if token.type == "bullet_list_open":
            list_style = "List Bullet"
        elif token.type == "ordered_list_open":
            list_style = "List Number"
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_style = None
        elif token.type == "heading_open":
            pending_style = f"Heading {min(int(token.tag[1]), 3)}"
        elif token.type == "paragraph_open":
            pending_style = list_style or "Normal"
        elif token.type == "inline":
            paragraph = document.add_paragraph(style=pending_style)
            _add_inline(paragraph, token)
            added.append(paragraph)
            pending_style = "Normal"
    return added


PAGE_SIZES = {"a4": (Mm(210), Mm(297)), "letter": (Inches(8.5), Inches(11))}
#: the Word fields that give the page's number and the number of pages
PAGE_FIELDS = {"page": "PAGE", "pages": "NUMPAGES"}


def _add_field(paragraph, instruction: str) -> None:
    """Add a field Word works out as it lays out the pages (python-docx has no setting for fields); it shows
    1 until then."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _add_page_numbers(footer, wording: str) -> None:
    """"page N of M" at the foot of every page, in the labels' words, as in the PDF."""
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for index, part in enumerate(page_of_parts(wording)):
        if index % 2:
            _add_field(paragraph, PAGE_FIELDS[part])
        elif part:
            paragraph.add_run(part)


def _set_text_language(document, language: str) -> None:
    """Make the statement's language the language of the document's text, so a word processor checks its
    spelling in that language (the blank document says American English)."""
    for default in document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang"):
        default.set(qn("w:val"), language)
        if text_direction(language) == "rtl":  # the language Word checks right-to-left text in
            default.set(qn("w:bidi"), language)


def _add_logo(document, data_uri: str | None) -> None:
    """The network's logo at the top of the first page, as on the PDF (at most 4 cm wide, 1.5 cm high)."""
    if not data_uri:
        return
    image = base64.b64decode(data_uri.split(",", 1)[1])
    picture = document.add_paragraph().add_run().add_picture(io.BytesIO(image), height=Cm(1.5))
    if picture.width > Cm(4):  # a wide logo: keep its proportions within the width instead
        picture.height, picture.width = int(picture.height * Cm(4) / picture.width), Cm(4)


def _add_correction(document, data: ExportData) -> list:
    """"Corrected on <day>: <note>", and where the corrections are listed; return the paragraphs added."""
    paragraph = document.add_paragraph()
    paragraph.add_run(data.labels.corrected_on).bold = True
    if data.correction_note:
        paragraph.add_run(f": {data.correction_note}")
    where = document.add_paragraph()
    where.add_run(data.labels.corrections_at).font.size = Pt(8.5)
    return [paragraph, where]


def render_docx(data: ExportData, group_by: str = "country", markdown_text: str = "", page_size: str = "a4") -> bytes:
    """Write the statement and its signatories as a Word document, its own words in the statement's language."""
    labels = data.labels
    document = Document()
    document.core_properties.title = data.title
    document.core_properties.author = data.network_name
    document.core_properties.language = data.language
    _set_text_language(document, data.language)
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_SIZES.get(page_size, PAGE_SIZES["a4"])
    # on every page, as in the PDF: what this is, and whether the text is final
    section.header.paragraphs[0].text = f"{data.short_title} · {data.network_name}" + (
        "" if data.is_final else f" · {labels.draft}")
    _add_page_numbers(section.footer, labels.page_of)
    _add_logo(document, data.logo_data_uri)
    # the file's own words run their language's way (English ones in an Arabic text left to right)
    in_labels_direction = [section.footer.paragraphs[0],
                           document.add_paragraph(f"{data.network_name} · {labels.signed_on}")]
    if not data.is_final:
        in_labels_direction.append(document.add_paragraph(labels.draft_note))
    if data.corrected_on:
        in_labels_direction += _add_correction(document, data)
    # the header, the text and the list of names run the text's way
    in_text_direction = [section.header.paragraphs[0], document.add_heading(data.title, level=0)]
    if data.summary:
        in_text_direction.append(document.add_paragraph(data.summary, style="Subtitle"))
    in_text_direction += _add_markdown(document, markdown_text)
    document.add_page_break()
    in_labels_direction.append(document.add_heading(labels.signed_by, level=1))
    if data.unnamed_count:
        in_labels_direction.append(document.add_paragraph(labels.unnamed))
    if data.withheld_count:
        in_labels_direction.append(document.add_paragraph(labels.list_private))
    if not data.count:
        in_labels_direction.append(document.add_paragraph(labels.none_yet))
    for country, signatories in grouped(data.signatories, group_by, data.language):
        if country:
            in_text_direction.append(
                document.add_heading(f"{country} ({labels.number(len(signatories))})", level=2))
        for signatory in signatories:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(signatory.name)
            # (an organization listed by its country alone has no type, and under its country's heading no details)
            details = ", ".join(filter(None, [None if country else signatory.country, signatory.type_label]))
            if details:
                paragraph.add_run(f" · {details}").font.size = Pt(8)
            in_text_direction.append(paragraph)
    for paragraphs, language in ((in_text_direction, data.language), (in_labels_direction, labels.language)):
        if text_direction(language) == "rtl":
            for paragraph in paragraphs:
                _right_to_left(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
