"""Reading PDF files with PDFium (pypdfium2): one lock for the whole process.

PDFium is not thread-safe: two threads inside it at once (a redaction job in the background and
a personal-data scan in a request) can crash the process. Every call into pypdfium2 in this
project runs under `PDFIUM_LOCK`, held for one page or one short step at a time so that a long
job never blocks a request for more than a page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

PDFIUM_LOCK = threading.RLock()


class PdfUnreadable(Exception):
    """The bytes are not a PDF PDFium can open; `reason` is "encrypted" or "broken"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@contextmanager
def pdfium_document(data: bytes) -> Iterator:
    """The document, opened from memory (never a path: the bytes stay in this process), closed
    afterwards. Raises PdfUnreadable("encrypted") for a file that needs a password."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    with PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as error:
            code = getattr(error, "err_code", None)
            raise PdfUnreadable("encrypted" if code == pdfium_c.FPDF_ERR_PASSWORD else "broken") from None
    try:
        yield document
    finally:
        with PDFIUM_LOCK:
            document.close()


def page_texts(data: bytes, *, max_pages: int | None = None) -> list[str]:
    """The text layer of each page ("" for a page without one)."""
    texts = []
    with pdfium_document(data) as document:
        with PDFIUM_LOCK:
            count = len(document)
        for index in range(count if max_pages is None else min(count, max_pages)):
            with PDFIUM_LOCK:
                page = document[index]
                textpage = page.get_textpage()
                texts.append(textpage.get_text_range() or "")
                textpage.close()
                page.close()
    return texts
