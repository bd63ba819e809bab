"""Information processing fees (信息处理费, R.42).

R.42 forbids fees for answering applications, except an information processing fee where the
number or frequency of applications clearly exceeds a reasonable range. The amounts come from the
State Council General Office's *Measures for the Administration of Information Processing Fees
for Government Information Disclosure* (国办函〔2020〕109号《政府信息公开信息处理费管理办法》):

* 按件计收 (by count): per applicant, per natural month, by the application's position in the
  month — ``fee_by_count``;
* 按量计收 (by volume): per application, by the number of pages provided — ``fee_by_pages``.

The agency picks one method per application (``FeeMethod``); ``fee_for`` dispatches. Everything
here is pure arithmetic on ``Decimal``: no database, no clock, so it is tested band by band.
"""

from __future__ import annotations

from decimal import Decimal

from applications.models import FeeMethod

# 109号: the applicant pays within 20 working days of receiving the fee notice; otherwise the
# application is deemed abandoned and no longer processed — table 3 (六)2, Outcome.OTHER_FEE_UNPAID.
PAYMENT_WORKING_DAYS = 20

CENT = Decimal("0.01")

# 按件计收 (by count), in 元 per application.
COUNT_FREE_UP_TO = 10  # 1st–10th application of the month: free
COUNT_FIRST_BAND_UP_TO = 30  # 11th–30th: 100 元 each
COUNT_FIRST_BAND_FEE = Decimal(100)
COUNT_BAND_SIZE = 10  # above 30: every further band of 10 costs 100 元 more per application
COUNT_BAND_STEP = Decimal(100)

# 按量计收 (by volume), progressive: (first page of band, last page of band or None, 元 per page).
PAGE_BANDS: tuple[tuple[int, int | None, Decimal], ...] = (
    (1, 30, Decimal(0)),
    (31, 100, Decimal(10)),
    (101, 200, Decimal(20)),
    (201, None, Decimal(40)),
)


def _positive_int(value: object, *, what_zh: str, what_en: str) -> int:
    # bool is an int subclass: True must not quietly mean "the first application".
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what_zh}必须是正整数 / {what_en} must be a positive integer: {value!r}")
    if value < 1:
        raise ValueError(f"{what_zh}必须大于零 / {what_en} must be at least 1: {value!r}")
    return value


def fee_by_count(nth_in_month: int) -> Decimal:
    """The fee for an applicant's ``nth_in_month`` application in one natural month (按件计收).

    109号: “同一申请人一个自然月内累计申请10件以下（含10件）的，不收费；累计申请11—30件（含30件）
    的部分：100元/件；累计申请30件以上的部分：以10件为一档，每增加一档，收费标准提高100元/件。”

    ======================  ==================
    nth application          fee (元 each)
    ======================  ==================
    1–10                     0
    11–30                    100
    31–40                    200
    41–50                    300
    10k+1 – 10k+10 (k ≥ 3)   100 × (k − 1)
    ======================  ==================

    The fee belongs to the application, not to the month: the 35th application costs 200 元
    whatever the first 34 cost.
    """
    nth = _positive_int(nth_in_month, what_zh="当月申请序号", what_en="the application's number in the month")
    if nth <= COUNT_FREE_UP_TO:
        return Decimal(0).quantize(CENT)
    if nth <= COUNT_FIRST_BAND_UP_TO:
        return COUNT_FIRST_BAND_FEE.quantize(CENT)
    # 31–40 is the first band above 30 (+100), 41–50 the second (+200), ...
    bands_above = (nth - COUNT_FIRST_BAND_UP_TO - 1) // COUNT_BAND_SIZE + 1
    return (COUNT_FIRST_BAND_FEE + COUNT_BAND_STEP * bands_above).quantize(CENT)


def fee_by_pages(pages: int) -> Decimal:
    """The fee for one application by the number of pages provided (按量计收).

    109号: “30页以下（含30页）的，不收费；31—100页（含100页）的部分：10元/页；101—200页（含200页）
    的部分：20元/页；200页以上的部分：40元/页。”

    The text says “……的部分” (the part of the pages in each band), so the bands are progressive,
    like tax brackets — each page is charged at its own band's rate:

    ==========  ============
    pages        元 per page
    ==========  ============
    1–30         0
    31–100       10
    101–200      20
    201 and up   40
    ==========  ============

    So 100 pages = 70 × 10 = 700 元; 150 pages = 700 + 50 × 20 = 1700 元;
    250 pages = 700 + 100 × 20 + 50 × 40 = 4700 元.
    """
    count = _positive_int(pages, what_zh="页数", what_en="the page count")
    total = Decimal(0)
    for first, last, rate in PAGE_BANDS:
        if count < first:
            break
        top = count if last is None else min(count, last)
        total += rate * (top - first + 1)
    return total.quantize(CENT)


def fee_for(method: str, basis: int) -> Decimal:
    """The fee by ``method`` (a ``FeeMethod`` value): ``basis`` is the application's number in
    the month for ``BY_COUNT`` and the page count for ``BY_PAGE`` (``FeeNotice.basis``)."""
    if method == FeeMethod.BY_COUNT:
        return fee_by_count(basis)
    if method == FeeMethod.BY_PAGE:
        return fee_by_pages(basis)
    raise ValueError(f"未知的计收方式 / unknown fee method: {method!r}")
