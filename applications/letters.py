"""Reply letters (政府信息公开申请答复告知书): drafted from templates, edited by staff as HTML,
printed from a standalone page or rendered as PDF (``applications/letter_pdf.py``).

Every reply is a letter that states the outcome (R.36, R.37), the facts it rests on, the article
it applies (``LEGAL_BASIS``) and — always — how to challenge it: administrative review within
sixty days or a lawsuit within six months of receipt (Administrative Reconsideration Law art. 20,
Administrative Litigation Law art. 46).

* ``letter_context`` gathers what a letter needs; ``render_letter`` drafts the body from
  ``templates/applications/letters/<outcome>.html`` (one per ``Outcome``, each extending its
  group's template and ``base.html``) and returns sanitized HTML;
* ``sanitize_letter`` is the one allowlist for that HTML, for the draft and for staff's edits;
* ``letter_placeholders`` lists the 〔待填写：…〕 gaps a draft still has, so the reply cannot be
  sent with one; ``letter_omissions`` what a refusal letter lacks (its legal basis, the remedies);
* ``letter_facts`` reads from the application's events what the templates need (the dates of the
  supplement request and of the fee notice), so generated letters have fewer gaps;
* ``render_notice`` drafts the notices sent while an application is handled (补正告知书,
  延期答复告知书, 延迟答复告知书, 收费通知书, 征求意见函 to a third party or another agency, 决定公开告知书
  to a third party; ``templates/applications/notices/``);
* ``remedies`` is the remedies paragraph, naming the agency's review body (SiteProfile);
* the PDF of a letter or notice is ``applications.letter_pdf.letter_pdf`` (A4, the viewer's
  built-in Chinese font), which sanitizes with ``sanitize_letter`` again.

Facts the application row does not hold come in ``extra`` (all optional; a missing one leaves a
〔待填写：…〕 gap for the handler to fill in):

==========================  ===================================================================
key                         used by
==========================  ===================================================================
``withheld_parts``          PARTIAL: what was removed (R.37)
``ground``                  PARTIAL: why — a ``WITHHELD_*`` Outcome value or free text
``public_location``         DISCLOSED (already public, R.36(1)), NOT_PROCESSED_PUBLICATION: where
``provision``               DISCLOSED, PARTIAL: how the information is provided, if not as asked
``law``                     WITHHELD_PROHIBITED_BY_LAW: the law or regulation that forbids it
``third_party_objected``    WITHHELD_THIRD_PARTY: the third party was consulted and objected (R.32)
``redirect_agency``         UNAVAILABLE_NOT_HELD, WITHHELD_ADMINISTRATIVE_QUERY (else the row's)
``redirect_contact``        UNAVAILABLE_NOT_HELD: that agency's contact details (R.36(5))
``searched``                UNAVAILABLE_NOT_HELD: where the agency searched (R.36(4))
``supplement_requested_on`` UNAVAILABLE_STILL_UNCLEAR, OTHER_NO_SUPPLEMENT (R.30)
``supplement_deadline``     OTHER_NO_SUPPLEMENT (else the row's ``supplement_deadline``)
``late_supplement_on``      OTHER_NO_SUPPLEMENT: a supplement came after the deadline (R.30)
``previous_reply_on``       NOT_PROCESSED_REPEAT: when the same information was answered
``previous_reply``          NOT_PROCESSED_REPEAT: that reply's reference
``fee_notice_on``           OTHER_FEE_UNPAID: when the fee notice went out
``explanation``             OTHER: what was done; any other outcome: an extra paragraph
``date``                    the letter's date (default: today)
==========================  ===================================================================
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from typing import Any

import nh3
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from applications.fees import PAYMENT_WORKING_DAYS
from applications.outcomes import LEGAL_BASIS, REFUSALS, Outcome, group_of
from portal.language import agency_language
from portal.models import SiteProfile

LETTER_TITLE = _("政府信息公开申请答复告知书")

# Always in the letter, whatever the outcome: the applicant's remedies against the reply, naming
# the review body of the agency profile (SiteProfile.review_body); without one, the general words.
REMEDIES = _(
    "如对本答复不服，可以自收到本告知书之日起六十日内依法申请行政复议，"
    "或者自收到本告知书之日起六个月内依法提起行政诉讼。"
)
REMEDIES_NAMED = _(
    "如对本答复不服，可以自收到本告知书之日起六十日内向%(body)s申请行政复议，"
    "或者自收到本告知书之日起六个月内依法向人民法院提起行政诉讼。"
)


def remedies(profile=None) -> str:
    """The remedies paragraph (Administrative Reconsideration Law arts. 20, 24; Administrative
    Litigation Law art. 46) with the agency's review body, for every letter that can be challenged."""
    body = ((profile or SiteProfile.current()).review_body or "").strip()
    return str(REMEDIES_NAMED % {"body": body}) if body else str(REMEDIES)

# The HTML a letter may contain: the draft and every staff edit go through the same allowlist.
LETTER_TAGS = frozenset(
    {"p", "br", "strong", "em", "ol", "ul", "li", "h2", "h3", "table", "thead", "tbody", "tr", "th", "td"}
)
LETTER_ATTRIBUTES = {"th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
# Layout hints for the print page and the PDF; any other class is dropped.
LETTER_CLASSES = {"p": {"letter-ref", "letter-salutation", "letter-signature"}}

PLACEHOLDER = "〔待填写：{what}〕"
_PLACEHOLDER_RE = re.compile(r"〔待填写：([^〕]*)〕")

# Why a part was withheld (R.37), when the handler names the ground by its Outcome value.
WITHHELD_REASONS = {
    Outcome.WITHHELD_STATE_SECRET: _("属于国家秘密"),
    Outcome.WITHHELD_PROHIBITED_BY_LAW: _("属于法律、行政法规禁止公开的信息"),
    Outcome.WITHHELD_SECURITY_STABILITY: _("公开后可能危及国家安全、公共安全、经济安全、社会稳定"),
    Outcome.WITHHELD_THIRD_PARTY: _("涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害"),
    Outcome.WITHHELD_INTERNAL_AFFAIRS: _("属于人事管理、后勤管理、内部工作流程等内部事务信息"),
    Outcome.WITHHELD_PROCESS_INFORMATION: _("属于讨论记录、过程稿、磋商信函、请示报告等过程性信息"),
    Outcome.WITHHELD_ENFORCEMENT_FILE: _("属于行政执法案卷信息"),
    Outcome.WITHHELD_ADMINISTRATIVE_QUERY: _("属于有关法律、行政法规对获取有特别规定的行政查询事项"),
}


def chinese_date(day: dt.date) -> str:
    """2026年9月21日 — the form of dates in official letters, whatever the active locale."""
    return f"{day.year}年{day.month}月{day.day}日"


def placeholder(what: str | Promise) -> str:
    return PLACEHOLDER.format(what=what)


def letter_placeholders(html: str) -> list[str]:
    """The gaps a draft still has (〔待填写：…〕), in order: a letter with any is not ready to send."""
    return _PLACEHOLDER_RE.findall(html or "")


_ARTICLE_RE = re.compile(r"第[一二三四五六七八九十百]+条")
REGULATIONS_NAME = "政府信息公开条例"
# The remedies paragraph (REMEDIES) in its parts: review within sixty days, a lawsuit within six
# months (Administrative Reconsideration Law art. 20, Administrative Litigation Law art. 46).
REMEDY_PARTS = (("行政复议",), ("六十日", "60日", "60天", "六十天"), ("行政诉讼",), ("六个月", "6个月"))


def letter_text(html: str) -> str:
    """The letter's words without markup or whitespace, for checking what it says."""
    text = html_lib.unescape(nh3.clean(html or "", tags=set()))
    return re.sub(r"\s+", "", text)


def letter_omissions(html: str, outcome: str) -> list[str]:
    """What a reply letter must say and does not: for a refusal (R.36(3)–(7), R.37, R.39) the
    articles it applies (``LEGAL_BASIS``); for every outcome — each can be challenged — the
    applicant's remedies, naming the review body where the agency profile has one. Empty when
    nothing is missing."""
    text = letter_text(html)
    missing = []
    if outcome in REFUSALS:
        basis = str(LEGAL_BASIS[outcome])
        if REGULATIONS_NAME not in text or any(article not in text for article in _ARTICLE_RE.findall(basis)):
            missing.append(str(_("法律依据（%(basis)s）") % {"basis": basis}))
    if not all(any(word in text for word in words) for words in REMEDY_PARTS):
        missing.append(str(_("救济途径（自收到告知书之日起六十日内申请行政复议，或者六个月内提起行政诉讼）")))
    body = (SiteProfile.current().review_body or "").strip()
    if body and re.sub(r"\s+", "", body) not in text:
        missing.append(str(_("行政复议机关（%(body)s）") % {"body": body}))
    return missing


def letter_facts(application) -> dict:
    """What the events of a saved application tell a letter: when the supplement was requested
    and the fee notice sent (the ``extra`` keys of the module docstring)."""
    if application.pk is None:
        return {}
    facts = {}
    requested = application.events.filter(kind="supplement_requested").order_by("-at", "-pk").first()
    if requested:
        facts["supplement_requested_on"] = requested.on
    late = application.events.filter(kind="supplement_received", data__held=True).order_by("-at", "-pk").first()
    if late:
        facts["late_supplement_on"] = late.on
    notice = application.fee_notices.order_by("-issued_on", "-pk").first()
    if notice:
        facts["fee_notice_on"] = notice.issued_on
    return facts


def letter_reference(application, *, year: int) -> str:
    """The letter's number: the year and the application's tracking code, 〔2026〕第 SQ2026-000001 号."""
    return f"〔{year}〕第 {application.tracking_code} 号"


def _text(value: Any, what: str | Promise) -> str:
    """A fact for the letter: dates in Chinese form, blanks as a gap to fill in."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return chinese_date(value)
    return _optional(value) or placeholder(what)


def _optional(value: Any) -> str:
    """A fact that may be left out: the empty string when not given."""
    return str(value).strip() if value is not None else ""


def _ground_text(ground: Any) -> str:
    if ground in WITHHELD_REASONS:
        return f"{WITHHELD_REASONS[ground]}（{LEGAL_BASIS[ground]}）"
    return _text(ground, _("不予公开的理由"))


def letter_context(application, *, outcome: str, extra: dict | None = None) -> dict:
    """Everything a reply letter for ``outcome`` needs, as plain values for the templates.

    ``application`` need not be saved; the only database read is the agency's profile
    (``SiteProfile.current()``, cached). See the module docstring for ``extra``.
    """
    if outcome not in Outcome.values:
        raise ValueError(f"未知的办理结果 / unknown outcome: {outcome!r}")
    extra = dict(extra or {})
    today = extra.get("date") or timezone.localdate()
    if isinstance(today, dt.datetime):
        today = timezone.localtime(today).date() if timezone.is_aware(today) else today.date()
    if not isinstance(today, dt.date):
        raise ValueError(f"告知书日期必须是日期 / extra['date'] must be a date: {today!r}")
    redirect_agency = _optional(extra.get("redirect_agency") or application.redirect_agency)
    return {
        "outcome": outcome,
        "outcome_group": group_of(outcome),
        "outcome_label": Outcome(outcome).label,
        "legal_basis": LEGAL_BASIS[outcome],
        "remedies": remedies(),
        "title": LETTER_TITLE,
        "agency": SiteProfile.current(),
        "application": application,
        "applicant_name": _text(application.applicant_name, _("申请人姓名或名称")),
        "tracking_code": application.tracking_code,
        "reference": letter_reference(application, year=today.year),
        "received_on": application.received_on,
        "received_on_text": _text(application.received_on, _("收到申请日期")),
        "information_title": _text(application.information_title, _("所需信息名称")),
        "document_number": _optional(application.document_number),
        "medium": application.get_medium_display() if application.medium else "",
        "delivery": application.get_delivery_display() if application.delivery else "",
        "provision": _optional(extra.get("provision")),
        "public_location": _optional(extra.get("public_location")),
        # R.37: what was removed, and why.
        "withheld_parts": _text(extra.get("withheld_parts"), _("不予公开的内容")),
        "ground": _ground_text(extra.get("ground")),
        "law": _optional(extra.get("law")),
        "third_party_objected": bool(extra.get("third_party_objected")),
        # R.36(5): the agency that holds the information, where it is known.
        "redirect_agency": redirect_agency,
        "redirect_contact": _optional(extra.get("redirect_contact")),
        "searched": _optional(extra.get("searched")),
        # R.30: the supplement request and its deadline.
        "supplement_requested_on": _text(extra.get("supplement_requested_on"), _("告知补正日期")),
        "supplement_deadline": _text(extra.get("supplement_deadline") or application.supplement_deadline,
                                     _("补正期限")),
        # R.30: a supplement that came after the deadline, without good reason.
        "late_supplement_on": _text(extra["late_supplement_on"], "") if extra.get("late_supplement_on") else "",
        # R.36(6): the earlier reply to the same request.
        "previous_reply_on": _text(extra.get("previous_reply_on"), _("前次答复日期")),
        "previous_reply": _optional(extra.get("previous_reply")),
        # R.42 and 国办函〔2020〕109号.
        "fee_notice_on": _text(extra.get("fee_notice_on"), _("收费通知日期")),
        "payment_working_days": PAYMENT_WORKING_DAYS,
        "explanation": _optional(extra.get("explanation")),
        "gap_explanation": placeholder(_("处理情况")),
        "today": today,
        "date_text": chinese_date(today),
        "extra": extra,
    }


def render_letter(application, *, outcome: str, extra: dict | None = None) -> str:
    """The draft letter for ``outcome`` as sanitized HTML, ready for staff to edit."""
    with agency_language():  # an official letter, whatever the staff member's browser asks for
        context = letter_context(application, outcome=outcome, extra=extra)
        html = render_to_string(f"applications/letters/{outcome}.html", context)
    # The templates keep one block element per line; drop the indentation and blank lines so the
    # HTML staff see in the editor is tidy.
    html = "\n".join(line.strip() for line in html.splitlines() if line.strip())
    return sanitize_letter(html)


# --- Notices sent while an application is handled -----------------------------------------------

NOTICE_TITLES = {
    "supplement_request": _("政府信息公开申请补正告知书"),
    "extension": _("政府信息公开申请延期答复告知书"),
    "fee": _("政府信息公开信息处理费收费通知书"),
    "consultation": _("政府信息公开第三方意见征询函"),
    "agency_consultation": _("政府信息公开征求意见函"),
    "delayed_reply": _("政府信息公开申请延迟答复告知书"),
    "third_party_disclosure": _("政府信息公开决定公开告知书"),
}
NOTICE_TEMPLATES = {kind: f"applications/notices/{kind}.html" for kind in NOTICE_TITLES}


def render_notice(application, *, kind: str, title: str, addressee: str, on: dt.date, extra: dict | None = None) -> str:
    """A notice (``NoticeKind``) as sanitized HTML, in the agency's language and with the letter's
    reference; ``extra`` holds the facts of its event (items and deadline, days and reason, ...)."""
    with agency_language():
        context = {
            "title": title,
            "agency": SiteProfile.current(),
            "application": application,
            "addressee": addressee,
            "reference": letter_reference(application, year=on.year),
            "received_on_text": _text(application.received_on, _("收到申请日期")),
            "information_title": application.information_title,
            "date_text": chinese_date(on),
            "payment_working_days": PAYMENT_WORKING_DAYS,
            # The remedies, for the notices that decide something that can be challenged.
            "review_body": (SiteProfile.current().review_body or "").strip(),
            **{key: chinese_date(value) if isinstance(value, dt.date) else value
               for key, value in (extra or {}).items()},
        }
        html = render_to_string(NOTICE_TEMPLATES[kind], context)
    html = "\n".join(line.strip() for line in html.splitlines() if line.strip())
    return sanitize_letter(html)


def sanitize_letter(html: str) -> str:
    """The letter allowlist (nh3): simple block and table markup, no attributes but table spans
    and three layout classes; scripts and styles are removed with their content."""
    return nh3.clean(html or "", tags=set(LETTER_TAGS), attributes=LETTER_ATTRIBUTES,
                     allowed_classes=LETTER_CLASSES)
