"""Attachments of the demo records, made when the demo is loaded (no binary files in the
repository): PDFs with Chinese text set in STSong-Light, one of the CJK fonts every PDF viewer
supplies (nothing embedded, no font file needed), and charts as PNG and JPEG images. So a fresh
`make demo` has real files to download. Fictional content."""

from __future__ import annotations

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile

PDF_FONT = "STSong-Light"


def _pdf(title: str, paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    heading = ParagraphStyle("heading", fontName=PDF_FONT, fontSize=16, leading=24, alignment=1, spaceAfter=12)
    body = ParagraphStyle("body", fontName=PDF_FONT, fontSize=11, leading=19, firstLineIndent=22, wordWrap="CJK")
    story = [Paragraph(title, heading)]
    story += [Paragraph(text, body) for text in paragraphs]
    if table:
        story.append(Spacer(1, 6 * mm))
        grid = Table(table, repeatRows=1, hAlign="CENTER")
        grid.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), PDF_FONT), ("FONTSIZE", (0, 0), (-1, -1), 10),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]))
        story.append(grid)
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=title, author="吉林省工业和信息化厅（演示数据）",
                      leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm, bottomMargin=25 * mm).build(story)
    return out.getvalue()


def _chart(values: list[float], *, image_format: str) -> bytes:
    """A bar chart (growth rates by month), drawn without text: the attachment's title says
    what it shows, and the record's body gives the figures."""
    from PIL import Image, ImageDraw

    width, height, margin = 720, 420, 40
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.line([(margin, margin), (margin, height - margin), (width - margin, height - margin)], fill="black", width=2)
    top = max(values) * 1.2
    step = (width - 2 * margin) / len(values)
    for i, value in enumerate(values):
        x0 = margin + i * step + step * 0.2
        y0 = height - margin - (height - 2 * margin) * value / top
        draw.rectangle([x0, y0, x0 + step * 0.6, height - margin - 1], fill=(163, 21, 26))
    for i in range(1, 5):  # grid lines
        y = height - margin - (height - 2 * margin) * i / 5
        draw.line([(margin, y), (width - margin, y)], fill=(200, 200, 200), width=1)
    out = io.BytesIO()
    image.save(out, format=image_format, **({"quality": 85} if image_format == "JPEG" else {}))
    return out.getvalue()


def _companies(count: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    cities = ["长春市", "吉林市", "四平市", "辽源市", "通化市", "白山市", "松原市", "白城市", "延边州"]
    trades = ["精密机械", "汽车零部件", "新材料", "生物医药", "光电信息", "食品加工", "智能装备", "化工新材料"]
    rows = [["序号", "市（州）", "企业名称（演示数据）"]]
    for n in range(1, count + 1):
        city = rng.choice(cities)
        rows.append([str(n), city, f"{city[:2]}{rng.choice('华瑞泰丰宏达鑫盛恒')}{rng.choice('远通安正信和')}{rng.choice(trades)}有限公司"])
    return rows


def _specialised_list() -> bytes:
    return _pdf("2025年度省级“专精特新”中小企业名单（按市州排列）",
                ["以下为认定的2025年度省级“专精特新”中小企业名单（节选，演示数据）。认定有效期三年，自公布之日起计算。"],
                _companies(24, 2025))


def _platform_measures() -> bytes:
    return _pdf("吉林省省级工业互联网平台培育管理办法", [
        "第一条　为加快工业互联网平台体系建设，支撑制造业数字化转型，制定本办法。",
        "第二条　平台分为跨行业跨领域综合型、特色行业型、特定技术领域专业型三类，实行“培育一批、评定一批、推广一批”。",
        "第三条　申报主体应当在省内注册，具有独立法人资格，平台上线运行1年以上，连接工业设备、服务工业企业达到相应规模。",
        "第四条　评定程序为企业申报、市（州）推荐、专家评审、现场核查、社会公示和发布名单。",
        "第五条　评定结果有效期三年，期满复核；存在数据安全事故、弄虚作假等情形的，撤销其称号。",
        "第六条　本办法自2026年6月1日起施行，有效期5年。《吉林省省级工业互联网平台认定管理办法（试行）》（吉工信规〔2025〕2号）同时废止。",
    ])


def _design_centres() -> bytes:
    return _pdf("2026年度吉林省省级工业设计中心名单", ["以下23家企业工业设计中心认定为2026年度吉林省省级工业设计中心（演示数据）。"],
                _companies(23, 2026))


def _flow(steps: int) -> bytes:
    """A 图解 of a procedure: numbered-free boxes joined by arrows, drawn without text (the
    attachment's title and the interpretation's text name the steps)."""
    from PIL import Image, ImageDraw

    width, height, box = 960, 220, 110
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    gap = (width - steps * box) / (steps + 1)
    for i in range(steps):
        x0 = gap + i * (box + gap)
        draw.rounded_rectangle([x0, 55, x0 + box, 165], radius=14, fill=(163, 21, 26) if i == steps - 1 else (31, 78, 140))
        if i < steps - 1:
            x1, x2 = x0 + box + 6, x0 + box + gap - 6
            draw.line([(x1, 110), (x2, 110)], fill="black", width=4)
            draw.polygon([(x2, 110), (x2 - 12, 102), (x2 - 12, 118)], fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# Record title → the attachments its draft gets: (title, file name, maker).
ATTACHMENTS = {
    "吉林省工业和信息化厅关于公布2025年度省级“专精特新”中小企业名单的通告": [
        ("2025年度省级“专精特新”中小企业名单（按市州排列）", "附件1-专精特新中小企业名单.pdf", _specialised_list),
    ],
    "关于印发《吉林省省级工业互联网平台培育管理办法》的通知": [
        ("吉林省省级工业互联网平台培育管理办法（全文）", "吉林省省级工业互联网平台培育管理办法.pdf", _platform_measures),
    ],
    "《吉林省省级工业互联网平台培育管理办法》政策解读": [
        ("图解：省级工业互联网平台评定程序（企业申报→市州推荐→专家评审→现场核查→社会公示→发布名单）",
         "图解-平台评定程序.png", lambda: _flow(6)),
    ],
    "2026年上半年全省工业经济运行情况": [
        ("2026年1—6月规模以上工业增加值累计增速（图）", "1-6月工业增加值增速.png",
         lambda: _chart([5.6, 5.8, 5.8, 6.0, 6.1, 6.2], image_format="PNG")),
        ("2026年上半年重点产业增加值增速（图）", "重点产业增速.jpg",
         lambda: _chart([7.1, 5.3, 4.8, 6.6, 9.4], image_format="JPEG")),
    ],
    "关于公布2026年度吉林省省级工业设计中心名单的通知": [
        ("2026年度吉林省省级工业设计中心名单", "工业设计中心名单.pdf", _design_centres),
    ],
}


def add_attachments(record, *, actor) -> int:
    """Attach the demo files of `record` (a draft) through the service, as an officer would."""
    from disclosure import services

    specs = ATTACHMENTS.get(record.title, [])
    for order, (title, name, make) in enumerate(specs, start=1):
        services.attachment_add(record=record, actor=actor, upload=SimpleUploadedFile(name, make()),
                                sort_order=order, title=title)
    return len(specs)
