"""Demo content of issue #20 (idempotent): the sensitive-word list, the site identity in the
footer (without the public security record number, which the compliance self-check then
finds), and a draft whose info officer pasted an identity number into the body — submitting it
is refused with the hit shown. `demo_pdf` makes the PDF files the demo redacts."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.db import transaction

from disclosure.models import CatalogueCategory, Record
from disclosure.redaction_models import SensitiveWord
from portal.models import Office, SiteProfile

A4 = (595.2756, 841.8898)
WORDS = [
    ("省经信委", "省工业和信息化厅", "机构改革前的名称，正式文件使用现名称"),
    ("工信部", "工业和信息化部", "正式文件使用全称"),
    ("中小企业局", "中小企业发展处", "本厅内设机构的规范名称"),
]
DRAFT_TITLE = "关于退还王建国技术改造项目申报材料的说明"
DEMO_ID = "220104197803124562"  # a check digit that holds (GB 11643), an invented person


def demo_pdf(title: str, lines: list[str], secrets: list[str]) -> tuple[bytes, list[dict]]:
    """An A4 PDF in STSong-Light (CID font) with `lines`, and a box (fractions of the page, top
    left origin) over each occurrence of each string in `secrets`, ground: personal privacy."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    c.setTitle(title)
    c.setFont(font, 18)
    c.drawCentredString(A4[0] / 2, 770, title)
    boxes, y, size = [], 720, 13
    for line in lines:
        c.setFont(font, size)
        c.drawString(72, y, line)
        for secret in secrets:
            start = line.find(secret)
            if start < 0:
                continue
            left = 72 + pdfmetrics.stringWidth(line[:start], font, size) - 3
            width = pdfmetrics.stringWidth(secret, font, size) + 6
            top, bottom = y + size + 3, y - size * 0.3 - 3
            boxes.append({"page": 1, "x": left / A4[0], "y": (A4[1] - top) / A4[1], "w": width / A4[0],
                          "h": (top - bottom) / A4[1], "ground": "personal_privacy"})
        y -= size * 2
    c.showPage()
    c.save()
    return buffer.getvalue(), boxes


def load() -> str:
    added = []
    for word, correct, note in WORDS:
        if not SensitiveWord.objects.filter(word=word).exists():
            SensitiveWord.objects.create(word=word, correct=correct, note=note)
            added.append(word)
    dynamic = CatalogueCategory.objects.filter(code="m5-6", update_period_days__isnull=True).first()
    if dynamic is not None:  # 业务工作进展: a dynamic column, updated at least every two weeks
        dynamic.update_period_days = 14
        dynamic.save()
    profile = SiteProfile.objects.filter(pk=1).first()
    if profile is not None and not profile.site_code:
        profile.site_code = "2200000010"
        profile.icp_number = profile.icp_number or "吉ICP备05001234号（演示）"
        profile.save()  # the public security record number is left out: the self-check finds it
    office = Office.objects.filter(name="政策法规处").first()
    drafter = get_user_model().objects.filter(username="zcfg-drafter").first()
    if office and drafter and not Record.objects.filter(title=DRAFT_TITLE).exists():
        from django.utils import timezone

        from disclosure.services import record_save_draft

        with transaction.atomic():
            record_save_draft(record=Record(
                title=DRAFT_TITLE, office=office, category=CatalogueCategory.objects.get(code="m5-1"),
                date_formed=timezone.localdate(),
                body=(f"<p>王建国，身份证号码{DEMO_ID}，于2026年10月提交的技术改造项目申报材料"
                      "因不符合申报条件，现予退还。</p><p>联系电话0431-88888888。</p>"),
            ), actor=drafter)
        added.append(DRAFT_TITLE)
    return f"错敏词、网站标识和待提交的草稿 {len(added)} 项 / {len(added)} items (issue #20)"
