"""The redaction engine (disclosure/redaction.py) on the shapes of PDF agencies release (R.37;
M.6 second paragraph): each test extracts the output's text and objects and shows that what lay
under a box is gone, that pages without a box keep their text, and that nothing hidden survives."""

from __future__ import annotations

import io

import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import ImageStat

from disclosure.redaction import Box, RedactionError, covered_text, inspect_pdf, redact_pdf
from tests import pdf_samples as samples
from tests.pdf_samples import ID_NUMBER, NAME


def _encodings(text: str) -> list[bytes]:
    """The ways a PDF may hold `text`: UTF-16 (CID fonts with UCS-2 encoding, ToUnicode), UTF-8, GBK."""
    return [text.encode("utf-16-be"), text.encode("utf-8"), text.encode("gbk")]


def _found_anywhere(pdf: bytes, text: str) -> bool:
    """Whether any tool could find `text`: in the text layer, the raw bytes or any decoded stream."""
    if any(text in page for page in samples.text_of(pdf)):
        return True
    blob = samples.all_streams_decoded(pdf)
    return any(encoded in blob for encoded in _encodings(text))


def _pixels_under(pdf: bytes, box: dict, *, page: int = 1) -> float:
    """The mean brightness (0 black … 255 white) of the output rendered under `box`."""
    document = pdfium.PdfDocument(pdf)
    try:
        image = document[page - 1].render(scale=1).to_pil().convert("L")
    finally:
        document.close()
    width, height = image.size
    inner = (int((box["x"] + 0.2 * box["w"]) * width), int((box["y"] + 0.2 * box["h"]) * height),
             int((box["x"] + 0.8 * box["w"]) * width), int((box["y"] + 0.8 * box["h"]) * height))
    return ImageStat.Stat(image.crop(inner)).mean[0]


def _images_on(pdf: bytes, page: int) -> list:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        resources = doc.pages[page - 1].obj.Resources
        return [(int(x.Width), int(x.Height)) for x in resources.get("/XObject", {}).values()]


@pytest.fixture
def chinese():
    return samples.chinese_text_pdf(3, secret_pages=(1,))


def test_cid_font_pdf_name_and_id_number_are_gone_and_other_pages_keep_text_r37(chinese):
    data, spots = chinese
    assert _found_anywhere(data, NAME) and _found_anywhere(data, ID_NUMBER)  # the test can see them
    boxes = [samples.box_over(spots[1]), samples.box_over(spots[-1])]

    result = redact_pdf(data, boxes)

    assert not _found_anywhere(result.pdf, NAME)
    assert not _found_anywhere(result.pdf, ID_NUMBER)
    texts, source_texts = samples.text_of(result.pdf), samples.text_of(data)
    assert texts[0] == ""  # the boxed page is an image: nothing to extract
    assert texts[1:] == source_texts[1:]  # pages without a box keep their text layer, unchanged
    assert result.rasterised == [1]
    assert len(_images_on(result.pdf, 1)) == 1
    assert _pixels_under(result.pdf, boxes[1]) < 10  # burned in: black
    assert result.report["checks"]["covered_text_not_found"] >= 2
    assert result.report["grounds"] == ["personal_privacy"]


def test_the_rasterised_page_stays_readable_at_150_dpi(chinese):
    data, spots = chinese
    result = redact_pdf(data, [samples.box_over(spots[-1])])
    (width, height), = _images_on(result.pdf, 1)
    assert abs(width - samples.A4_W * 150 / 72) <= 1 and abs(height - samples.A4_H * 150 / 72) <= 1
    # Text outside the box is still drawn: dark pixels where the heading is.
    heading = {"x": 72 / samples.A4_W, "y": (samples.A4_H - 796) / samples.A4_H, "w": 200 / samples.A4_W,
               "h": 16 / samples.A4_H}
    assert _pixels_under(result.pdf, heading) < 235
    assert len(result.pdf) < 200_000  # a text page is kept small (16 grey levels, lossless)


def test_scanned_image_only_pdf_box_is_burned_into_the_pixels():
    data, spot = samples.scanned_pdf()
    assert inspect_pdf(data, max_pages=10).text_pages == [False]
    box = samples.box_over(spot, margin=6)
    before = _pixels_under(data, box)

    result = redact_pdf(data, [box])

    assert _pixels_under(result.pdf, box) < 5 < before  # black in the output; grey in the scan
    (width, _height), = _images_on(result.pdf, 1)
    assert abs(width - samples.A4_W * 150 / 72) <= 1  # our render at 150 dpi, not the 100 dpi scan
    with pikepdf.open(io.BytesIO(data)) as source:
        original_image = next(iter(source.pages[0].obj.Resources.XObject.values())).read_raw_bytes()
    assert original_image not in samples.all_streams_decoded(result.pdf)


def test_incremental_update_the_earlier_revision_is_not_carried_over():
    base, _spots = samples.chinese_text_pdf(3, compress=False, ascii_line="OLD-REVISION-SECRET")
    data = samples.with_incremental_update(base)
    assert inspect_pdf(data, max_pages=10).revisions == 2
    # The first revision's page 1 is still in the file's bytes, though no viewer shows it.
    assert b"OLD-REVISION-SECRET" in data
    assert "OLD-REVISION-SECRET" not in samples.text_of(data)[0]

    result = redact_pdf(data, [{"page": 2, "x": 0.1, "y": 0.05, "w": 0.5, "h": 0.05, "ground": "personal_privacy"}])

    assert not _found_anywhere(result.pdf, "OLD-REVISION-SECRET")
    assert not _found_anywhere(result.pdf, NAME)
    assert result.pdf.count(b"%%EOF") == 1 and result.pdf.count(b"startxref") == 1
    assert "UPDATE-KEEPS-OLD-BYTES" in samples.text_of(result.pdf)[0]  # the current page 1, kept as text


def test_form_fields_annotations_attachments_scripts_and_metadata_do_not_survive(chinese):
    base, spots = chinese
    data = samples.with_forms_annotations_attachments(base)
    facts = inspect_pdf(data, max_pages=10)
    assert (facts.annotations, facts.form_fields, facts.embedded_files, facts.javascript, facts.metadata) == (
        3, True, 1, True, True)

    result = redact_pdf(data, [samples.box_over(spots[-1])])

    blob = samples.all_streams_decoded(result.pdf)
    for secret in (b"ANNOTATION-NOTE-SECRET", b"EMBEDDED-FILE-SECRET", b"SCRIPT-SECRET", b"METADATA-AUTHOR-SECRET",
                   b"XMP-CREATOR-SECRET", b"example.invalid", b"/Annots", b"/AcroForm", b"/EmbeddedFile",
                   b"/JavaScript", b"/OpenAction", b"/Metadata", b"XOBJECT-METADATA-SECRET", b"PIECEINFO-SECRET",
                   b"PAGE-PIECEINFO"):
        assert secret not in blob, secret
    with pikepdf.open(io.BytesIO(result.pdf)) as out:
        assert set(out.Root.keys()) == {"/Type", "/Pages"}
        assert "/Info" not in out.trailer
        assert all("/Annots" not in page.obj for page in out.pages)
    # What the filled field showed on page 2 (no box) is kept as page content, as it looked.
    assert "FORM-VALUE-SHOWN" in samples.text_of(result.pdf)[1]
    assert not _found_anywhere(result.pdf, ID_NUMBER)


def test_a_page_with_a_hidden_layer_is_rendered_so_the_hidden_text_cannot_come_back(chinese):
    base, spots = chinese
    data = samples.with_hidden_layer(base)
    assert "HIDDEN-LAYER-SECRET" in samples.text_of(data)[1]  # extractable, though never shown

    result = redact_pdf(data, [samples.box_over(spots[-1])])

    assert result.rasterised == [1, 2]
    assert not _found_anywhere(result.pdf, "HIDDEN-LAYER-SECRET")
    assert samples.text_of(result.pdf)[2] == samples.text_of(data)[2]


def test_rotated_page_the_box_is_where_the_reader_saw_it(chinese):
    base, spots = chinese
    with pikepdf.open(io.BytesIO(base)) as pdf:
        pdf.pages[0].obj.Rotate = 90
        out = io.BytesIO()
        pdf.save(out)
    data = out.getvalue()
    upright = samples.box_over(spots[-1])
    # Turned a quarter clockwise on screen: what was at the left is now at the top.
    shown = {"page": 1, "x": 1 - (upright["y"] + upright["h"]), "y": upright["x"], "w": upright["h"],
             "h": upright["w"], "ground": "personal_privacy"}
    assert covered_text(data, [Box.from_dict(shown)]) == {1: [ID_NUMBER]}

    result = redact_pdf(data, [shown])

    assert not _found_anywhere(result.pdf, ID_NUMBER)
    assert _pixels_under(result.pdf, shown) < 10


def test_text_under_a_box_still_readable_on_another_page_is_refused(chinese):
    data, spots = samples.chinese_text_pdf(3, secret_pages=(1, 3))
    with pytest.raises(RedactionError) as refused:
        redact_pdf(data, [samples.box_over(spots[1]), samples.box_over(spots[-1])])
    assert refused.value.code == "leftover"
    assert "第 3 页" in str(refused.value)


def test_a_box_on_every_page_leaves_no_text_at_all(chinese):
    data, _spots = chinese
    boxes = [{"page": n, "x": 0.1, "y": 0.1, "w": 0.2, "h": 0.02} for n in (1, 2, 3)]
    result = redact_pdf(data, boxes)
    assert result.rasterised == [1, 2, 3]
    assert samples.text_of(result.pdf) == ["", "", ""]


@pytest.mark.parametrize(("make", "code"), [
    (lambda base: samples.encrypted(base), "encrypted"),
    (lambda base: b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n", "broken"),
    (lambda base: base[: len(base) // 2], "broken"),
    (lambda base: b"PK\x03\x04 not a pdf", "broken"),
])
def test_bad_input_gets_a_clear_message_and_no_file(chinese, make, code):
    base, spots = chinese
    with pytest.raises(RedactionError) as refused:
        redact_pdf(make(base), [samples.box_over(spots[-1])])
    assert refused.value.code == code
    assert "PDF" in str(refused.value)


def test_a_file_restricted_only_by_an_owner_password_opens_and_is_released_unrestricted(chinese):
    base, spots = chinese
    result = redact_pdf(samples.encrypted(base, user=""), [samples.box_over(spots[-1])])
    assert result.report["source"]["owner_password_only"] is True
    with pikepdf.open(io.BytesIO(result.pdf)) as out:
        assert not out.is_encrypted
    assert not _found_anywhere(result.pdf, ID_NUMBER)


def test_page_limit_is_a_clear_message():
    data = samples.many_pages(21)
    with pytest.raises(RedactionError) as refused:
        redact_pdf(data, [{"page": 1, "x": 0.1, "y": 0.1, "w": 0.2, "h": 0.1}], max_pages=20)
    assert refused.value.code == "too_long"
    assert "21" in str(refused.value) and "20" in str(refused.value)


def test_a_500_page_file_is_one_bounded_run_with_progress():
    data = samples.many_pages(500)
    seen = []
    result = redact_pdf(data, [{"page": 250, "x": 0.1, "y": 0.05, "w": 0.4, "h": 0.05}], max_pages=500,
                        progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (1, 500) and seen[-1] == (500, 500) and len(seen) == 500
    assert result.rasterised == [250]


@pytest.mark.parametrize("boxes", [
    [],
    [{"page": 4, "x": 0.1, "y": 0.1, "w": 0.1, "h": 0.1}],
    [{"page": 1, "x": "a", "y": 0.1, "w": 0.1, "h": 0.1}],
    [{"page": 1, "x": float("nan"), "y": 0.1, "w": 0.1, "h": 0.1}],
    [{"page": 1, "x": 0.5, "y": 0.5, "w": 0.0001, "h": 0.0001}],
])
def test_wrong_boxes_are_refused_with_a_message(chinese, boxes):
    data, _spots = chinese
    with pytest.raises(RedactionError) as refused:
        redact_pdf(data, boxes)
    assert refused.value.code in ("box", "no_boxes")


def test_a_box_past_the_page_edge_covers_up_to_the_edge():
    box = Box.from_dict({"page": 1, "x": 0.9, "y": -0.1, "w": 0.5, "h": 0.3})
    assert (box.x, box.y, round(box.w, 6), round(box.h, 6)) == (0.9, 0.0, 0.1, 0.2)
