"""Export tests: count the files made, and start each test with an empty export folder."""

import shutil

import pytest


@pytest.fixture(autouse=True)
def _empty_export_folder(app):
    yield
    from statements.export.services import running_threads

    for thread in list(running_threads):
        thread.join(timeout=300)
    with app.app_context():
        from statements.export.services import export_folder

        shutil.rmtree(export_folder(), ignore_errors=True)


@pytest.fixture
def renders(monkeypatch):
    """Count the PDFs and Word documents laid out (the real renderers still run)."""
    from statements.export import docx, pdf

    calls = []
    real_pdf, real_docx = pdf.render_pdf, docx.render_docx

    def render_pdf(*args, **kwargs):
        calls.append("pdf")
        return real_pdf(*args, **kwargs)

    def render_docx(*args, **kwargs):
        calls.append("docx")
        return real_docx(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_pdf", render_pdf)
    monkeypatch.setattr(docx, "render_docx", render_docx)
    return calls
