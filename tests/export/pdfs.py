"""Reading exported files back: the PDF with pypdf, the Word document with python-docx."""

import io
import re

from docx import Document
from pypdf import PdfReader
from pypdf.generic import NameObject

_HEX = rb"<([0-9a-fA-F]+)>"


def read_pdf(content: bytes) -> PdfReader:
    assert content.startswith(b"%PDF-"), content[:40]
    return PdfReader(io.BytesIO(content))


def page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def text_of(content: bytes) -> str:
    return "\n".join(page_texts(read_pdf(content)))


def left_edges(page) -> dict[str, float]:
    """Where each piece of text the page draws starts, from the left edge, as a share of the page's width."""
    edges = {}

    def note(text, matrix, text_matrix, font, size):
        if text.strip():
            x = matrix[0] * text_matrix[4] + matrix[2] * text_matrix[5] + matrix[4]
            edges.setdefault(text.strip(), x / float(page.mediabox.width))

    page.extract_text(visitor_text=note)
    return edges


def flat(text: str) -> str:
    """Text with every run of white space made one space (lines break wherever a column ends)."""
    return " ".join(text.split())


def _to_unicode(font) -> dict[int, str]:
    cmap = font.get("/ToUnicode")
    if cmap is None:
        return {}
    data = cmap.get_object().get_data()
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, target in re.findall(_HEX + rb"\s*" + _HEX.replace(b"+", b"*"), block):
            mapping[int(code, 16)] = bytes.fromhex(target.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, target in re.findall(_HEX + rb"\s*" + _HEX + rb"\s*" + _HEX, block):
            first = int.from_bytes(bytes.fromhex(target.decode()), "big")
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(first + offset)
    return mapping


def missing_glyphs(reader: PdfReader) -> set[str]:
    """The characters drawn as an empty box because no font had them.

    When a font lacks glyphs for some characters, the PDF maps their codes to glyph 0 (.notdef)
    in the font's own encoding; the ToUnicode map still says which characters they were.
    """
    missing = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font") or {}
        for reference in fonts.values():
            font = reference.get_object()
            encoding = font.get("/Encoding")
            if encoding is None or isinstance(encoding.get_object(), NameObject):
                continue  # a named encoding (Identity-H): every code is a glyph of the font
            data = encoding.get_object().get_data()
            empty = set()
            for block in re.findall(rb"begincidchar(.*?)endcidchar", data, re.S):
                empty |= {int(code, 16) for code, cid in re.findall(_HEX + rb"\s+(\d+)", block) if int(cid) == 0}
            for block in re.findall(rb"begincidrange(.*?)endcidrange", data, re.S):
                empty |= {int(low, 16) for low, _, cid in re.findall(_HEX + rb"\s*" + _HEX + rb"\s+(\d+)", block)
                          if int(cid) == 0}
            unicode = _to_unicode(font)
            missing |= {unicode.get(code, f"<code {code:04x}>") for code in empty}
    return missing


def tagged(reader: PdfReader) -> bool:
    root = reader.trailer["/Root"]
    mark_info = root.get("/MarkInfo")
    return bool(mark_info and mark_info.get_object().get("/Marked")) and "/StructTreeRoot" in root


def docx_text(content: bytes) -> tuple[Document, str]:
    """The document, and all its text: header, paragraphs and tables."""
    document = Document(io.BytesIO(content))
    parts = []
    for section in document.sections:
        parts += [paragraph.text for paragraph in section.header.paragraphs]
    parts += [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return document, "\n".join(parts)
