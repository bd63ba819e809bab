"""How an application ends: exactly the rows of table 3 of the national annual report format
(国办公开办函〔2021〕30号), so the report is a count, not a questionnaire (R.36, R.37, R.50)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutcomeGroup(models.TextChoices):
    DISCLOSED = "disclosed", _("（一）予以公开")
    PARTIAL = "partial", _("（二）部分公开")
    WITHHELD = "withheld", _("（三）不予公开")
    UNAVAILABLE = "unavailable", _("（四）无法提供")
    NOT_PROCESSED = "not_processed", _("（五）不予处理")
    OTHER = "other", _("（六）其他处理")


class Outcome(models.TextChoices):
    DISCLOSED = "disclosed", _("予以公开")
    PARTIAL = "partial", _("部分公开")
    WITHHELD_STATE_SECRET = "withheld_state_secret", _("不予公开：属于国家秘密")
    WITHHELD_PROHIBITED_BY_LAW = "withheld_prohibited_by_law", _("不予公开：其他法律行政法规禁止公开")
    WITHHELD_SECURITY_STABILITY = "withheld_security_stability", _("不予公开：危及“三安全一稳定”")
    WITHHELD_THIRD_PARTY = "withheld_third_party", _("不予公开：保护第三方合法权益")
    WITHHELD_INTERNAL_AFFAIRS = "withheld_internal_affairs", _("不予公开：属于三类内部事务信息")
    WITHHELD_PROCESS_INFORMATION = "withheld_process_information", _("不予公开：属于四类过程性信息")
    WITHHELD_ENFORCEMENT_FILE = "withheld_enforcement_file", _("不予公开：属于行政执法案卷")
    WITHHELD_ADMINISTRATIVE_QUERY = "withheld_administrative_query", _("不予公开：属于行政查询事项")
    UNAVAILABLE_NOT_HELD = "unavailable_not_held", _("无法提供：本机关不掌握相关政府信息")
    UNAVAILABLE_NEEDS_CREATION = "unavailable_needs_creation", _("无法提供：没有现成信息需要另行制作")
    UNAVAILABLE_STILL_UNCLEAR = "unavailable_still_unclear", _("无法提供：补正后申请内容仍不明确")
    NOT_PROCESSED_COMPLAINT = "not_processed_complaint", _("不予处理：信访举报投诉类申请")
    NOT_PROCESSED_REPEAT = "not_processed_repeat", _("不予处理：重复申请")
    NOT_PROCESSED_PUBLICATION = "not_processed_publication", _("不予处理：要求提供公开出版物")
    NOT_PROCESSED_EXCESSIVE = "not_processed_excessive", _("不予处理：无正当理由大量反复申请")
    NOT_PROCESSED_CONFIRMATION = "not_processed_confirmation", _("不予处理：要求行政机关确认或重新出具已获取信息")
    OTHER_NO_SUPPLEMENT = "other_no_supplement", _("其他处理：申请人无正当理由逾期不补正")
    OTHER_FEE_UNPAID = "other_fee_unpaid", _("其他处理：申请人逾期未按收费通知要求缴纳费用")
    OTHER = "other", _("其他处理：其他")


def group_of(outcome: str) -> str:
    for group in OutcomeGroup.values:
        if outcome == group or outcome.startswith(group + "_"):
            return group
    raise ValueError(outcome)


# The legal basis each outcome cites in its letter (R.n: the Regulations).
LEGAL_BASIS = {
    Outcome.DISCLOSED: _("《中华人民共和国政府信息公开条例》第三十六条第（一）、（二）项"),
    Outcome.PARTIAL: _("《中华人民共和国政府信息公开条例》第三十七条"),
    Outcome.WITHHELD_STATE_SECRET: _("《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项"),
    Outcome.WITHHELD_PROHIBITED_BY_LAW: _("《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项"),
    Outcome.WITHHELD_SECURITY_STABILITY: _("《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项"),
    Outcome.WITHHELD_THIRD_PARTY: _("《中华人民共和国政府信息公开条例》第十五条、第三十二条、第三十六条第（三）项"),
    Outcome.WITHHELD_INTERNAL_AFFAIRS: _("《中华人民共和国政府信息公开条例》第十六条第一款、第三十六条第（三）项"),
    Outcome.WITHHELD_PROCESS_INFORMATION: _("《中华人民共和国政府信息公开条例》第十六条第二款、第三十六条第（三）项"),
    Outcome.WITHHELD_ENFORCEMENT_FILE: _("《中华人民共和国政府信息公开条例》第十六条第二款、第三十六条第（三）项"),
    Outcome.WITHHELD_ADMINISTRATIVE_QUERY: _("《中华人民共和国政府信息公开条例》第三十六条第（七）项"),
    Outcome.UNAVAILABLE_NOT_HELD: _("《中华人民共和国政府信息公开条例》第三十六条第（四）、（五）项"),
    Outcome.UNAVAILABLE_NEEDS_CREATION: _("《中华人民共和国政府信息公开条例》第三十八条"),
    Outcome.UNAVAILABLE_STILL_UNCLEAR: _("《中华人民共和国政府信息公开条例》第三十条"),
    Outcome.NOT_PROCESSED_COMPLAINT: _("《中华人民共和国政府信息公开条例》第三十九条第一款"),
    Outcome.NOT_PROCESSED_REPEAT: _("《中华人民共和国政府信息公开条例》第三十六条第（六）项"),
    Outcome.NOT_PROCESSED_PUBLICATION: _("《中华人民共和国政府信息公开条例》第三十九条第二款"),
    Outcome.NOT_PROCESSED_EXCESSIVE: _("《中华人民共和国政府信息公开条例》第三十五条"),
    # Not R.39(2), which is about public publications (table 3 (五)3). Asking the agency to confirm
    # or re-issue information already obtained is not a request to obtain government information
    # as R.2 defines it and R.27 lets anyone ask for; no article addresses it more closely.
    Outcome.NOT_PROCESSED_CONFIRMATION: _("《中华人民共和国政府信息公开条例》第二条、第二十七条"),
    Outcome.OTHER_NO_SUPPLEMENT: _("《中华人民共和国政府信息公开条例》第三十条"),
    Outcome.OTHER_FEE_UNPAID: _("《中华人民共和国政府信息公开条例》第四十二条和《政府信息公开信息处理费管理办法》"),
    Outcome.OTHER: _("《中华人民共和国政府信息公开条例》"),
}

# Outcomes that refuse the applicant something: the letter must give the ground and article.
REFUSALS = {o for o in Outcome.values if group_of(o) in (OutcomeGroup.WITHHELD, OutcomeGroup.UNAVAILABLE,
                                                          OutcomeGroup.NOT_PROCESSED)} | {Outcome.PARTIAL}
