"""Redaction of PDF files for partial disclosure (R.37; M.6 second paragraph: 能够区分处理的，应当公开可以
公开的内容): plain functions, no database.

A black box drawn over text that stays underneath is the classic leak. So a page with a box is
never edited: it is rendered to an image (PDFium) with the boxes burned in, and the image replaces
the page. Pages without a box are copied as they are, text layer intact. The output is a fresh
file (pikepdf/qpdf writes one revision), built from the pages only: nothing at document level is
carried over (form fields, embedded files, JavaScript, optional content, metadata, document
information, outlines), and each copied page keeps only what draws it (no annotations, actions,
thumbnails or page metadata). A page whose content belongs to optional content groups (layers,
some hidden) is rendered like a boxed page, so that hidden layers cannot come back.

Then the output is checked, and refused unless every check holds (`verify_redacted`): the pages
with a box carry no text and one image each; no text that lay under a box can be extracted
anywhere in the output; no annotation, form, attachment, script, layer, metadata or second
revision survives.

Boxes are fractions of the page as it is displayed (after /Rotate and the crop box), origin at
the top left: what pdf.js draws in the browser and what PDFium renders are the same picture.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from portal.pdfdoc import PDFIUM_LOCK, PdfUnreadable, pdfium_document

DEFAULT_DPI = 150
JPEG_QUALITY = 80
MIN_BOX_FRACTION = 0.002  # a box smaller than this is a slip of the mouse, not a decision
MAX_BOXES = 2000
# The page dictionary keys a copied page keeps: what draws it, nothing else.
PAGE_KEYS = {"/Type", "/Contents", "/Resources", "/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox",
             "/Rotate", "/UserUnit", "/Group"}
# Keys that carry actions, scripts, metadata or hidden structure, removed from every object.
FORBIDDEN_KEYS = {"/AA", "/OpenAction", "/JS", "/JavaScript", "/Metadata", "/PieceInfo", "/Thumb", "/OC",
                  "/StructParent", "/StructParents", "/EmbeddedFiles", "/AcroForm", "/Annots", "/Names",
                  "/OCProperties", "/Outlines", "/URI", "/Launch"}


class RedactionError(Exception):
    """Why a file cannot be redacted, or why the output was refused; `str()` is for a person."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message, self.code = message, code

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class Box:
    """A rectangle to black out on page `page` (1-based), in fractions of the displayed page."""

    page: int
    x: float
    y: float
    w: float
    h: float
    ground: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> Box:
        try:
            box = cls(page=int(data["page"]), x=float(data["x"]), y=float(data["y"]), w=float(data["w"]),
                      h=float(data["h"]), ground=str(data.get("ground") or ""))
        except (KeyError, TypeError, ValueError):
            raise RedactionError(_("遮盖框的格式无效。"), code="box") from None
        return box.clipped()

    def clipped(self) -> Box:
        """The box cut to the page (a box dragged past the edge covers up to the edge)."""
        values = [self.x, self.y, self.w, self.h]
        if any(v != v or v in (float("inf"), float("-inf")) for v in values):  # NaN or infinite
            raise RedactionError(_("遮盖框的格式无效。"), code="box")
        x0, y0 = max(0.0, min(1.0, self.x)), max(0.0, min(1.0, self.y))
        x1, y1 = max(0.0, min(1.0, self.x + self.w)), max(0.0, min(1.0, self.y + self.h))
        return Box(page=self.page, x=x0, y=y0, w=x1 - x0, h=y1 - y0, ground=self.ground)

    def as_dict(self) -> dict:
        return {"page": self.page, "x": round(self.x, 6), "y": round(self.y, 6), "w": round(self.w, 6),
                "h": round(self.h, 6), "ground": self.ground}


@dataclass
class PdfFacts:
    """What a PDF holds that a released copy must not (counted on the source)."""

    pages: int
    sizes: list[tuple[float, float]]
    text_pages: list[bool]
    annotations: int = 0
    form_fields: bool = False
    embedded_files: int = 0
    javascript: bool = False
    metadata: bool = False
    optional_content: bool = False
    revisions: int = 1
    owner_password_only: bool = False

    def as_dict(self) -> dict:
        return {"pages": self.pages, "annotations": self.annotations, "form_fields": self.form_fields,
                "embedded_files": self.embedded_files, "javascript": self.javascript, "metadata": self.metadata,
                "optional_content": self.optional_content, "revisions": self.revisions,
                "text_pages": sum(self.text_pages), "owner_password_only": self.owner_password_only}


@dataclass
class RedactionResult:
    pdf: bytes
    rasterised: list[int]  # 1-based page numbers rendered to images
    report: dict = field(default_factory=dict)


# --- Opening and inspecting ---------------------------------------------------------------------


def _unreadable(reason: str) -> RedactionError:
    if reason == "encrypted":
        return RedactionError(_("该PDF文件已加密，需要密码才能打开。请取得未加密的文件后再做遮盖处理。"), code="encrypted")
    return RedactionError(_("无法读取该PDF文件（文件已损坏或不是PDF）。请重新导出或扫描后再上传。"), code="broken")


def _open_pikepdf(data: bytes):
    import pikepdf

    try:
        return pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise _unreadable("encrypted") from None
    except (pikepdf.PdfError, ValueError, OSError):
        raise _unreadable("broken") from None


def _revisions(data: bytes) -> int:
    """How many times the file was written: one cross-reference section per revision (a
    linearised file has two for one revision; counted as written, it errs on the side of more)."""
    return max(1, len(re.findall(rb"startxref\s+\d+", data)))


def _walk(obj, seen: set, depth: int = 0):
    """Every dictionary and stream reachable from `obj` (each once)."""
    import pikepdf

    if depth > 64:
        return
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        key = obj.objgen
        if key in seen:
            return
        seen.add(key)
    if isinstance(obj, (pikepdf.Stream, pikepdf.Dictionary)):
        yield obj
        for name in list(obj.keys()):
            if name in ("/Parent", "/P"):  # back-references: the tree is walked from the top
                continue
            yield from _walk(obj[name], seen, depth + 1)
    elif isinstance(obj, pikepdf.Array):
        for item in obj:
            yield from _walk(item, seen, depth + 1)


def _uses_optional_content(page) -> bool:
    """Whether anything the page draws is tied to an optional content group (a layer)."""
    import pikepdf

    resources = page.obj.get("/Resources")
    if resources is None:
        return False
    for item in _walk(resources, set()):
        if "/OC" in item:
            return True
        if item.get("/Type") in (pikepdf.Name.OCG, pikepdf.Name.OCMD):
            return True
    return False


def inspect_pdf(data: bytes, *, max_pages: int) -> PdfFacts:
    """Open `data` with both libraries and count what matters. Raises RedactionError for an
    encrypted (password needed), broken or too long file, with a message a person can act on."""
    import pikepdf

    if not data.startswith(b"%PDF-"):
        raise _unreadable("broken")
    with _open_pikepdf(data) as pdf:
        pages = len(pdf.pages)
        if pages == 0:
            raise _unreadable("broken")
        if pages > max_pages:
            raise RedactionError(
                _("该PDF文件有 %(pages)d 页，超过遮盖处理的上限 %(limit)d 页。请拆分为较小的文件后分别处理。")
                % {"pages": pages, "limit": max_pages}, code="too_long")
        root = pdf.Root
        names = root.get("/Names")
        facts = PdfFacts(pages=pages, sizes=[], text_pages=[])
        facts.owner_password_only = pdf.is_encrypted
        facts.form_fields = "/AcroForm" in root
        facts.metadata = "/Metadata" in root or bool(pdf.trailer.get("/Info"))
        facts.optional_content = "/OCProperties" in root
        facts.javascript = "/OpenAction" in root or "/AA" in root or (names is not None and "/JavaScript" in names)
        facts.revisions = _revisions(data)
        for page in pdf.pages:
            facts.annotations += len(page.obj.get("/Annots", pikepdf.Array()))
        for item in _walk(root, set()):
            if item.get("/Type") == pikepdf.Name.EmbeddedFile:
                facts.embedded_files += 1
            if "/JS" in item:
                facts.javascript = True
    try:
        with pdfium_document(data) as document, PDFIUM_LOCK:
            if len(document) != pages:
                raise _unreadable("broken")
            for index in range(pages):
                page = document[index]
                facts.sizes.append(tuple(page.get_size()))
                textpage = page.get_textpage()
                facts.text_pages.append(textpage.count_chars() > 0)
                textpage.close()
                page.close()
    except PdfUnreadable as error:
        raise _unreadable(error.reason) from None
    return facts


# --- Geometry -----------------------------------------------------------------------------------

VIRTUAL = 10_000  # a virtual bitmap for coordinate conversion, large enough for sub-point accuracy


def _page_rect(page, box: Box) -> tuple[float, float, float, float]:
    """The box in the page's own coordinates (left, bottom, right, top), whatever its rotation."""
    import pypdfium2 as pdfium

    conv = pdfium.PdfPosConv(page, (0, 0, VIRTUAL, VIRTUAL, 0))
    corners = [conv.to_page(round(px * VIRTUAL), round(py * VIRTUAL))
               for px, py in ((box.x, box.y), (box.x + box.w, box.y), (box.x, box.y + box.h),
                              (box.x + box.w, box.y + box.h))]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _normalised(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def covered_text(data: bytes, boxes: Iterable[Box]) -> dict[int, list[str]]:
    """The text that lies under each box, by page: what must not survive."""
    found: dict[int, list[str]] = {}
    by_page: dict[int, list[Box]] = {}
    for box in boxes:
        by_page.setdefault(box.page, []).append(box)
    with pdfium_document(data) as document:
        for number, page_boxes in sorted(by_page.items()):
            with PDFIUM_LOCK:
                page = document[number - 1]
                textpage = page.get_textpage()
                for box in page_boxes:
                    left, bottom, right, top = _page_rect(page, box)
                    text = textpage.get_text_bounded(left=left, bottom=bottom, right=right, top=top)
                    found.setdefault(number, []).append(_normalised(text))
                textpage.close()
                page.close()
    return found


def _needles(texts: Iterable[str]) -> set[str]:
    """What to look for in the output: each box's whole text, and in it every run of six or more
    digits (an identity, phone or account number split by the box's edge elsewhere)."""
    needles = set()
    for text in texts:
        if len(text) >= 2:
            needles.add(text)
        needles.update(re.findall(r"[0-9Xx]{6,}", text))
    return needles


# --- Building the released file -----------------------------------------------------------------


def _render(document, index: int, boxes: list[Box], dpi: int):
    """Page `index` as an image with the boxes burned in, and its size in points."""
    from PIL import ImageDraw

    with PDFIUM_LOCK:
        page = document[index]
        width_pt, height_pt = page.get_size()
        bitmap = page.render(scale=dpi / 72, may_draw_forms=True, draw_annots=True, fill_color=(255, 255, 255, 255))
        image = bitmap.to_pil().convert("RGB")
        bitmap.close()
        page.close()
    draw = ImageDraw.Draw(image)
    width, height = image.size
    for box in boxes:
        # Rounded outwards: a box covers every pixel it touches.
        x0, y0 = int(box.x * width), int(box.y * height)
        x1, y1 = min(width, math.ceil((box.x + box.w) * width)), min(height, math.ceil((box.y + box.h) * height))
        draw.rectangle([x0, y0, x1 - 1, y1 - 1], fill=(0, 0, 0))
    return image, width_pt, height_pt


def _encode(pdf, image):
    """The image as a PDF image stream, small: text pages (few colours) losslessly as 16 grey
    levels or a 64-colour palette (a red seal stays red), photographs and scans as JPEG."""
    import zlib

    import pikepdf
    from PIL import Image, ImageChops

    width, height = image.size
    grey = image.convert("L")
    is_grey = max(high for _low, high in ImageChops.difference(image, grey.convert("RGB")).getextrema()) <= 16
    sample = (grey if is_grey else image).reduce(2)
    photographic = sample.getcolors(maxcolors=4096) is None
    if photographic:
        out = io.BytesIO()
        (grey if is_grey else image).save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
        stream = pikepdf.Stream(pdf, out.getvalue())
        stream.Filter = pikepdf.Name.DCTDecode
        stream.ColorSpace, stream.BitsPerComponent = (pikepdf.Name.DeviceGray if is_grey else pikepdf.Name.DeviceRGB), 8
    elif is_grey:
        levels = grey.point([round(v * 15 / 255) for v in range(256)])
        stream = pikepdf.Stream(pdf, zlib.compress(levels.tobytes("raw", "L;4"), 6))
        stream.Filter = pikepdf.Name.FlateDecode
        stream.ColorSpace, stream.BitsPerComponent = pikepdf.Name.DeviceGray, 4
    else:
        indexed = image.quantize(colors=64, method=Image.Quantize.FASTOCTREE)
        palette = bytes(indexed.getpalette()[: 64 * 3]).ljust(64 * 3, b"\0")
        stream = pikepdf.Stream(pdf, zlib.compress(indexed.tobytes(), 6))
        stream.Filter = pikepdf.Name.FlateDecode
        stream.ColorSpace = pikepdf.Array([pikepdf.Name.Indexed, pikepdf.Name.DeviceRGB, 63, pikepdf.String(palette)])
        stream.BitsPerComponent = 8
    stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    stream.Width, stream.Height = width, height
    return stream


def _image_page(pdf, image, width_pt: float, height_pt: float):
    import pikepdf

    content = pikepdf.Stream(pdf, f"q {width_pt:.4f} 0 0 {height_pt:.4f} 0 0 cm /Im0 Do Q".encode())
    return pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=pikepdf.Array([0, 0, round(width_pt, 4), round(height_pt, 4)]),
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=_encode(pdf, image))),
        Contents=content,
    )


def _scrub(pdf) -> None:
    """Remove from every object what carries actions, scripts, metadata or hidden structure."""
    import pikepdf

    for obj in pdf.objects:
        if isinstance(obj, (pikepdf.Stream, pikepdf.Dictionary)):
            for key in list(obj.keys()):
                if key in FORBIDDEN_KEYS:
                    del obj[key]
    root = pdf.Root
    for key in list(root.keys()):
        if key not in ("/Type", "/Pages"):
            del root[key]
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]


def redact_pdf(data: bytes, boxes: Iterable[Box], *, dpi: int = DEFAULT_DPI, max_pages: int = 500,
               progress: Callable[[int, int], None] | None = None) -> RedactionResult:
    """The released copy of `data` with `boxes` blacked out, verified (see the module's text).

    `progress(done, total)` is called after each page. Raises RedactionError with a message for
    a file that cannot be processed, for wrong boxes, and when the output fails a check; nothing
    half-written is ever returned."""
    import pikepdf

    boxes = [box if isinstance(box, Box) else Box.from_dict(box) for box in boxes]
    facts = inspect_pdf(data, max_pages=max_pages)
    boxes = _valid_boxes(boxes, facts.pages)
    by_page: dict[int, list[Box]] = {}
    for box in boxes:
        by_page.setdefault(box.page, []).append(box)
    under = covered_text(data, boxes)

    source = _open_pikepdf(data)
    if facts.annotations:
        # What a viewer shows of annotations and filled form fields becomes page content, so
        # the released copy looks like the original; hidden ones and their data go.
        with contextlib.suppress(pikepdf.PdfError):  # if it fails, they are dropped with the rest
            source.flatten_annotations("screen")
    output = pikepdf.new()
    rasterised = []
    try:
        with pdfium_document(data) as document:
            if facts.form_fields:
                with PDFIUM_LOCK:
                    document.init_forms()
            for index, page in enumerate(source.pages):
                number = index + 1
                if number in by_page or (facts.optional_content and _uses_optional_content(page)):
                    image, width_pt, height_pt = _render(document, index, by_page.get(number, []), dpi)
                    output.pages.append(pikepdf.Page(_image_page(output, image, width_pt, height_pt)))
                    rasterised.append(number)
                else:
                    output.pages.append(page)
                    copied = output.pages[-1].obj
                    for key in list(copied.keys()):
                        if key not in PAGE_KEYS:
                            del copied[key]
                if progress is not None:
                    progress(number, facts.pages)
        _scrub(output)
        buffer = io.BytesIO()
        output.save(buffer, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                    fix_metadata_version=False, deterministic_id=True)
    finally:
        output.close()
        source.close()
    pdf = buffer.getvalue()
    checks = verify_redacted(pdf, pages=facts.pages, rasterised=rasterised,
                             needles=_needles(t for texts in under.values() for t in texts))
    report = {
        "dpi": dpi, "pages": facts.pages, "rasterised": rasterised, "boxes": len(boxes),
        "source": facts.as_dict(), "checks": checks,
        "grounds": sorted({box.ground for box in boxes if box.ground}),
    }
    return RedactionResult(pdf=pdf, rasterised=rasterised, report=report)


def _valid_boxes(boxes: list[Box], pages: int) -> list[Box]:
    if not boxes:
        raise RedactionError(_("请至少画一个遮盖框。"), code="no_boxes")
    if len(boxes) > MAX_BOXES:
        raise RedactionError(_("遮盖框过多（上限 %(n)d 个）。") % {"n": MAX_BOXES}, code="box")
    kept = []
    for box in boxes:
        if not 1 <= box.page <= pages:
            raise RedactionError(_("遮盖框所在的第 %(page)d 页不存在。") % {"page": box.page}, code="box")
        if box.w < MIN_BOX_FRACTION or box.h < MIN_BOX_FRACTION:
            continue
        kept.append(box)
    if not kept:
        raise RedactionError(_("遮盖框太小。请在页面上拖动鼠标画出要遮盖的区域。"), code="no_boxes")
    return kept


# --- Verification ---------------------------------------------------------------------------------


def verify_redacted(pdf: bytes, *, pages: int, rasterised: list[int], needles: Iterable[str]) -> dict:
    """Prove the output safe, or raise RedactionError("…", code="verification"). Returns the
    checks passed, for the record kept with the file."""
    import pikepdf

    def refuse(reason: str):
        return RedactionError(_("遮盖结果未通过检查，未生成公开文件：%(reason)s") % {"reason": reason}, code="verification")

    if _revisions(pdf) != 1 or pdf.count(b"%%EOF") != 1:
        raise refuse(_("文件含有增量更新"))
    with pikepdf.open(io.BytesIO(pdf)) as check:
        if len(check.pages) != pages:
            raise refuse(_("页数不一致"))
        root_keys = set(check.Root.keys()) - {"/Type", "/Pages"}
        if root_keys:
            raise refuse(_("文档级对象未清除（%(keys)s）") % {"keys": "、".join(sorted(root_keys))})
        if "/Info" in check.trailer:
            raise refuse(_("文档信息未清除"))
        for obj in check.objects:
            if isinstance(obj, (pikepdf.Stream, pikepdf.Dictionary)):
                bad = FORBIDDEN_KEYS.intersection(obj.keys())
                if bad:
                    raise refuse(_("残留 %(keys)s") % {"keys": "、".join(sorted(bad))})
                if obj.get("/Type") in (pikepdf.Name.EmbeddedFile, pikepdf.Name.Filespec, pikepdf.Name.Annot):
                    raise refuse(_("残留附件或批注"))
                if obj.get("/S") == pikepdf.Name.JavaScript:
                    raise refuse(_("残留脚本"))
        for number in rasterised:
            page = check.pages[number - 1]
            xobjects = page.obj.Resources.get("/XObject", {})
            if set(page.obj.Resources.keys()) != {"/XObject"} or len(xobjects) != 1:
                raise refuse(_("第 %(page)d 页不是单一图像") % {"page": number})
    needles = {needle for needle in needles if needle}
    try:
        with pdfium_document(pdf) as document:
            for index in range(pages):
                with PDFIUM_LOCK:
                    page = document[index]
                    textpage = page.get_textpage()
                    chars = textpage.count_chars()
                    text = _normalised(textpage.get_text_range())
                    textpage.close()
                    page.close()
                if index + 1 in rasterised and chars:
                    raise refuse(_("第 %(page)d 页仍有文字层") % {"page": index + 1})
                for needle in needles:
                    if needle in text:
                        raise RedactionError(
                            _("遮盖框下的文字在第 %(page)d 页（未遮盖）仍可检索到。请在该页同样画框遮盖后再生成。")
                            % {"page": index + 1}, code="leftover")
    except PdfUnreadable:
        raise refuse(_("输出文件无法读取")) from None
    return {"single_revision": True, "no_document_objects": True, "no_annotations_forms_files_scripts": True,
            "rasterised_pages_without_text": len(rasterised), "covered_text_not_found": len(needles)}
