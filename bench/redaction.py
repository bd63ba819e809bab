"""Redaction and the personal-data scan, timed (issue #20; not part of the tests).

    .venv/bin/python bench/redaction.py [--pages 100] [--dpi 150]

Makes a text PDF in a Chinese CID font (40 lines a page) and a scanned one, then times: a box on
every page of the text PDF (every page rasterised), one box in the middle (one page rasterised,
the rest copied), a box on every page of a scanned PDF (200 dpi greyscale, with scanner noise), and the personal-data scan of a 50-page text PDF.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.test_settings")

import django

django.setup()

from disclosure.redaction import redact_pdf  # noqa: E402
from portal.personal_data import Rules, scan_file  # noqa: E402
from tests import pdf_samples as samples  # noqa: E402


def scanned(pages: int) -> bytes:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    one, _spot = samples.scanned_pdf()
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(one)
    image = document[0].render(scale=200 / 72).to_pil().convert("L")
    document.close()
    from PIL import Image

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(samples.A4_W, samples.A4_H))
    for _ in range(pages):
        # Scanner noise, different on every page: a real scan is a photograph of paper.
        noisy = Image.blend(image, Image.effect_noise(image.size, 40).convert("L"), 0.12)
        jpeg = io.BytesIO()
        noisy.save(jpeg, format="JPEG", quality=75)  # as scanners store pages
        jpeg.seek(0)
        c.drawImage(ImageReader(jpeg), 0, 0, width=samples.A4_W, height=samples.A4_H)
        c.showPage()
    c.save()
    return buffer.getvalue()


def timed(label: str, fn) -> None:
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    size = f", output {len(result.pdf) / 1024 / 1024:.1f} MiB" if hasattr(result, "pdf") else ""
    print(f"{label:<62} {elapsed:6.2f} s{size}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--dpi", type=int, default=150)
    args = parser.parse_args()
    pages, dpi = args.pages, args.dpi
    text, _spots = samples.chinese_text_pdf(pages, secret_pages=(), filler_lines=40)
    every = [{"page": n, "x": 0.1, "y": 0.1, "w": 0.3, "h": 0.03, "ground": "personal_privacy"} for n in
             range(1, pages + 1)]
    middle = [{"page": pages // 2, "x": 0.1, "y": 0.1, "w": 0.3, "h": 0.03, "ground": "personal_privacy"}]
    print(f"{pages}-page text PDF ({len(text) / 1024:.0f} KiB), {dpi} dpi, {os.cpu_count()} CPUs")
    timed(f"a box on every page ({pages} pages rasterised)", lambda: redact_pdf(text, every, dpi=dpi, max_pages=pages))
    timed("one box (1 page rasterised, the rest copied)", lambda: redact_pdf(text, middle, dpi=dpi, max_pages=pages))
    scan = scanned(pages)
    print(f"{pages}-page scanned PDF ({len(scan) / 1024 / 1024:.1f} MiB)")
    timed(f"a box on every page ({pages} pages rasterised)", lambda: redact_pdf(scan, every, dpi=dpi, max_pages=pages))
    fifty, _spots = samples.chinese_text_pdf(50, secret_pages=(7, 33), filler_lines=40)
    rules = Rules(words={"经信委": "工业和信息化厅"}, allowed_email_domains=("gov.cn",))
    start = time.perf_counter()
    result = scan_file(fifty, name="50.pdf", kind="pdf", rules=rules)
    print(f"{'personal-data scan of a 50-page text PDF':<62} {time.perf_counter() - start:6.2f} s"
          f" ({len(result.hits)} hits)")


if __name__ == "__main__":
    main()
