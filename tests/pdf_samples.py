"""PDF files shaped like the ones agencies release, generated for the tests (reportlab, pikepdf):
a text PDF in a Chinese CID font, a scanned (image-only) PDF, one with an incremental update,
one with form fields, annotations, an attachment, a script and metadata, one with a hidden
layer, an encrypted one. Each places known text at a known spot so that a test can draw a box
over it (`box_over`)."""

from __future__ import annotations

import io
from dataclasses import dataclass

A4_W, A4_H = 595.2756, 841.8898
NAME = "张三丰"
ID_NUMBER = "220102199003071235"  # a valid check digit (GB 11643)
MOBILE = "13904311234"
LINE_Y = 700  # baseline of the line that carries the personal data on page 1
FONT_SIZE = 14


@dataclass(frozen=True)
class Spot:
    """Where text was drawn: page (1-based), left, baseline, width, font size (points)."""

    page: int
    x: float
    y: float
    width: float
    size: float = FONT_SIZE


def box_over(spot: Spot, *, ground: str = "personal_privacy", margin: float = 3.0, width=A4_W, height=A4_H) -> dict:
    """A box (fractions of the page, origin top left) covering the text at `spot`."""
    top = spot.y + spot.size + margin
    bottom = spot.y - spot.size * 0.3 - margin
    return {"page": spot.page, "x": (spot.x - margin) / width, "y": (height - top) / height,
            "w": (spot.width + 2 * margin) / width, "h": (top - bottom) / height, "ground": ground}


def _cid_canvas(buffer, compress: bool = True):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return canvas.Canvas(buffer, pagesize=(A4_W, A4_H), invariant=1, pageCompression=1 if compress else 0)


def _text(c, x, y, text, size=FONT_SIZE) -> float:
    from reportlab.pdfbase import pdfmetrics

    c.setFont("STSong-Light", size)
    c.drawString(x, y, text)
    return pdfmetrics.stringWidth(text, "STSong-Light", size)


def chinese_text_pdf(pages: int = 3, *, secret_pages=(1,), filler_lines: int = 30, compress: bool = True,
                     ascii_line: str = "") -> tuple[bytes, dict[int, Spot]]:
    """A text PDF in STSong-Light (CID font, UniGB-UCS2-H). Each page in `secret_pages` has the
    line "申请人：张三丰 身份证号：220102199003071236" at LINE_Y; the spots returned cover the name
    and the number. Other lines are ordinary text; `ascii_line` is written on page 1 in Helvetica
    (searchable in the raw bytes of an uncompressed file)."""
    buffer = io.BytesIO()
    c = _cid_canvas(buffer, compress)
    spots: dict[int, Spot] = {}
    for number in range(1, pages + 1):
        _text(c, 72, 780, f"关于政府信息公开申请的答复材料（第{number}页）", 16)
        if ascii_line and number == 1:
            c.setFont("Helvetica", 10)
            c.drawString(72, 740, ascii_line)
        if number in secret_pages:
            label = _text(c, 72, LINE_Y, "申请人：")
            name_w = _text(c, 72 + label, LINE_Y, NAME)
            label2 = _text(c, 72 + label + name_w + 20, LINE_Y, "身份证号：")
            start = 72 + label + name_w + 20 + label2
            id_w = _text(c, start, LINE_Y, ID_NUMBER)
            spots[number] = Spot(number, 72 + label, LINE_Y, name_w)
            spots[-number] = Spot(number, start, LINE_Y, id_w)
        for line in range(filler_lines):
            _text(c, 72, 650 - line * 18, f"第{line + 1}项：本机关依照《中华人民共和国政府信息公开条例》第三十七条区分处理。", 11)
        c.showPage()
    c.save()
    return buffer.getvalue(), spots


def scanned_pdf() -> tuple[bytes, Spot]:
    """An image-only PDF (a scan): the personal data is pixels, there is no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    dpi = 100
    image = Image.new("RGB", (int(A4_W / 72 * dpi), int(A4_H / 72 * dpi)), "white")
    draw = ImageDraw.Draw(image)
    # A dark bar where the "identity number" is: easy to find in the output's pixels.
    spot = Spot(1, 72, LINE_Y, 250)
    left, top = int(spot.x / 72 * dpi), int((A4_H - spot.y - spot.size) / 72 * dpi)
    draw.rectangle([left, top, left + int(spot.width / 72 * dpi), top + int(spot.size / 72 * dpi)], fill=(40, 40, 40))
    draw.rectangle([left, top + 200, left + 300, top + 230], fill=(60, 60, 60))  # something kept
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(A4_W, A4_H), invariant=1)
    c.drawImage(ImageReader(image), 0, 0, width=A4_W, height=A4_H)
    c.showPage()
    c.save()
    return buffer.getvalue(), spot


def with_incremental_update(base: bytes, *, replaced_text: str = "UPDATE-KEEPS-OLD-BYTES") -> bytes:
    """`base` with an incremental update appended (a second revision, as an editor that "saves"
    writes it): page 1 gets new content; the old content stays in the file's bytes."""
    import pikepdf

    with pikepdf.open(io.BytesIO(base)) as pdf:
        page = pdf.pages[0].obj
        page_num = page.objgen[0]
        size = int(pdf.trailer.Size)
        root_ref = pdf.Root.objgen
        media = " ".join(str(float(v)) for v in page.MediaBox)
        parent = page.Parent.objgen[0]
    startxref = int(base.rsplit(b"startxref", 1)[1].split()[0])
    content = f"BT /F1 12 Tf 72 750 Td ({replaced_text}) Tj ET".encode()
    font_num, content_num = size, size + 1
    update = io.BytesIO()
    offsets = {}
    update.write(b"\n")
    pos = len(base)

    def obj(number, body: bytes):
        nonlocal pos
        offsets[number] = pos + update.tell()
        update.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")

    obj(font_num, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    obj(content_num, f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream")
    obj(page_num, f"<< /Type /Page /Parent {parent} 0 R /MediaBox [{media}] "
                  f"/Resources << /Font << /F1 {font_num} 0 R >> >> /Contents {content_num} 0 R >>".encode())
    xref_at = pos + update.tell()
    update.write(b"xref\n0 1\n0000000000 65535 f \n")
    for number in sorted(offsets):
        update.write(f"{number} 1\n{offsets[number]:010d} 00000 n \n".encode())
    update.write(f"trailer\n<< /Size {size + 2} /Root {root_ref[0]} {root_ref[1]} R /Prev {startxref} >>\n"
                 f"startxref\n{xref_at}\n%%EOF\n".encode())
    return base + update.getvalue()


def with_forms_annotations_attachments(base: bytes) -> bytes:
    """`base` with what a released copy must not carry: a filled form field, a text note and a
    link annotation, an embedded file, document JavaScript, XMP metadata and document info."""
    import pikepdf

    with pikepdf.open(io.BytesIO(base)) as pdf:
        page = pdf.pages[1]  # a page without a box: its annotations are flattened or dropped
        font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                    BaseFont=pikepdf.Name.Helvetica))
        appearance = pikepdf.Stream(pdf, b"/Tx BMC BT /Helv 10 Tf 2 4 Td (FORM-VALUE-SHOWN) Tj ET EMC")
        appearance.Type, appearance.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        appearance.BBox = [0, 0, 200, 20]
        appearance.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=font))
        widget = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx, T=pikepdf.String("applicant"),
            V=pikepdf.String("FORM-VALUE-SHOWN"), Rect=[72, 400, 272, 420], F=4, P=page.obj,
            AP=pikepdf.Dictionary(N=appearance)))
        note = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=[300, 400, 320, 420],
            Contents=pikepdf.String("ANNOTATION-NOTE-SECRET"), F=4))
        link = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[72, 300, 200, 320],
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.invalid/secret"))))
        page.obj.Annots = pdf.make_indirect(pikepdf.Array([widget, note, link]))
        # Private data hung on what the page draws: a form XObject with its own metadata and an
        # editor's private data (PieceInfo), and the same on the page itself.
        private = pikepdf.Stream(pdf, b"XOBJECT-METADATA-SECRET")
        private.Type, private.Subtype = pikepdf.Name.Metadata, pikepdf.Name.XML
        drawn = pikepdf.Stream(pdf, b"0 0 1 rg 0 0 10 10 re f")
        drawn.Type, drawn.Subtype, drawn.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, 10, 10]
        drawn.Metadata = pdf.make_indirect(private)
        drawn.PieceInfo = pikepdf.Dictionary(Editor=pikepdf.Dictionary(Private=pikepdf.String("PIECEINFO-SECRET")))
        page.obj.Resources.XObject = pikepdf.Dictionary(Fx0=drawn)
        page.contents_add(pikepdf.Stream(pdf, b"q 1 0 0 1 500 50 cm /Fx0 Do Q"))
        page.obj.PieceInfo = pikepdf.Dictionary(Editor=pikepdf.Dictionary(Private=pikepdf.String("PAGE-PIECEINFO")))
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[widget], DA=pikepdf.String("/Helv 10 Tf 0 g"),
                                               DR=pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=font)))
        pdf.attachments["secret.txt"] = pikepdf.AttachedFileSpec(pdf, b"EMBEDDED-FILE-SECRET",
                                                                 mime_type="text/plain")
        script = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript,
                                                      JS=pikepdf.String("app.alert('SCRIPT-SECRET');")))
        pdf.Root.OpenAction = script
        pdf.docinfo["/Author"] = "METADATA-AUTHOR-SECRET"
        with pdf.open_metadata() as meta:
            meta["dc:creator"] = ["XMP-CREATOR-SECRET"]
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def with_hidden_layer(base: bytes, *, hidden_text: str = "HIDDEN-LAYER-SECRET") -> bytes:
    """`base` with, on page 2, text inside an optional content group that is switched off."""
    import pikepdf

    with pikepdf.open(io.BytesIO(base)) as pdf:
        ocg = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name=pikepdf.String("draft notes")))
        pdf.Root.OCProperties = pikepdf.Dictionary(OCGs=[ocg], D=pikepdf.Dictionary(ON=[], OFF=[ocg], Order=[ocg]))
        page = pdf.pages[1]
        font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                    BaseFont=pikepdf.Name.Helvetica))
        resources = page.obj.Resources
        resources.Properties = pikepdf.Dictionary(oc1=ocg)
        resources.Font.HL = font
        page.contents_add(pikepdf.Stream(pdf, f"/OC /oc1 BDC BT /HL 12 Tf 72 100 Td ({hidden_text}) Tj ET EMC".encode()))
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def encrypted(base: bytes, *, user: str = "user-pw", owner: str = "owner-pw") -> bytes:
    import pikepdf

    with pikepdf.open(io.BytesIO(base)) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(user=user, owner=owner, R=6))
        return out.getvalue()


def many_pages(pages: int) -> bytes:
    """A long plain PDF (one short Chinese line per page)."""
    buffer = io.BytesIO()
    c = _cid_canvas(buffer)
    for number in range(1, pages + 1):
        _text(c, 72, 780, f"第{number}页 政府信息公开", 12)
        c.showPage()
    c.save()
    return buffer.getvalue()


def all_streams_decoded(pdf: bytes) -> bytes:
    """Every stream of `pdf`, decoded and joined, and the raw file: what any tool could read."""
    import pikepdf

    parts = [pdf]
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    parts.append(obj.read_bytes())
                except pikepdf.PdfError:
                    parts.append(obj.read_raw_bytes())
    return b"\n".join(parts)


def text_of(pdf: bytes) -> list[str]:
    from portal.pdfdoc import page_texts

    return page_texts(pdf)
