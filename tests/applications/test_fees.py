"""Information processing fees (R.42; 国办函〔2020〕109号《政府信息公开信息处理费管理办法》)."""

from decimal import Decimal

import pytest

from applications.fees import PAYMENT_WORKING_DAYS, fee_by_count, fee_by_pages, fee_for
from applications.models import FeeMethod


@pytest.mark.parametrize(
    ("nth", "fee"),
    [
        (1, 0), (10, 0),  # 10 applications a month are free
        (11, 100), (30, 100),  # 11–30: 100 元 each
        (31, 200), (40, 200),  # above 30, +100 元 per band of 10
        (41, 300), (50, 300),
        (51, 400), (60, 400),
        (61, 500), (100, 800), (101, 900),  # 91–100: 7th band above 30 (+700); 101–110: 8th (+800)
    ],
)
def test_fee_by_count_bands_109(nth, fee):
    """按件计收: 1–10 free, 11–30 100 元, then 100 元 more for every further band of 10."""
    assert fee_by_count(nth) == Decimal(fee)


@pytest.mark.parametrize(("below", "above"), [(10, 11), (30, 31), (40, 41), (50, 51)])
def test_fee_by_count_rises_by_100_at_each_boundary(below, above):
    assert fee_by_count(above) - fee_by_count(below) == Decimal(100)


def test_fee_by_count_is_a_price_per_application_not_a_running_total():
    """The month's 35th application costs 200 元; the whole month's first 35 cost 2000 + 5 × 200."""
    assert fee_by_count(35) == Decimal(200)
    assert sum(fee_by_count(n) for n in range(1, 36)) == Decimal(20 * 100 + 5 * 200)


@pytest.mark.parametrize(
    ("pages", "fee"),
    [
        (1, 0), (30, 0),  # 30 pages free
        (31, 10), (100, 700),  # 31–100: 10 元 a page
        (101, 720), (200, 2700),  # 101–200: 20 元 a page on top of 700
        (201, 2740), (250, 4700),  # 201 and up: 40 元 a page on top of 2700
        (150, 1700),  # the worked example: 70 × 10 + 50 × 20
        (1000, 2700 + 800 * 40),
    ],
)
def test_fee_by_pages_is_progressive_109(pages, fee):
    """按量计收: each band's pages at the band's rate (“……的部分”), like tax brackets."""
    assert fee_by_pages(pages) == Decimal(fee)


@pytest.mark.parametrize(("below", "above", "rate"), [(30, 31, 10), (100, 101, 20), (200, 201, 40)])
def test_fee_by_pages_boundary_page_costs_its_own_band_rate(below, above, rate):
    assert fee_by_pages(above) - fee_by_pages(below) == Decimal(rate)


def test_amounts_are_exact_decimals_with_cents_for_the_fee_notice():
    for amount in (fee_by_count(1), fee_by_count(45), fee_by_pages(1), fee_by_pages(150)):
        assert isinstance(amount, Decimal)
        assert amount.as_tuple().exponent == -2  # FeeNotice.amount has two decimal places
    assert str(fee_by_pages(150)) == "1700.00"


@pytest.mark.parametrize("bad", [0, -1, -30, True, 1.5, "11", None, Decimal(11)])
def test_invalid_count_raises_value_error_in_chinese_and_english(bad):
    with pytest.raises(ValueError, match=r"[\u4e00-\u9fff].* / .*[a-z]"):
        fee_by_count(bad)


@pytest.mark.parametrize("bad", [0, -1, False, 2.0, "31", None])
def test_invalid_page_count_raises_value_error(bad):
    with pytest.raises(ValueError, match="页数"):
        fee_by_pages(bad)


@pytest.mark.parametrize(
    ("method", "basis", "fee"),
    [
        (FeeMethod.BY_COUNT, 10, 0),
        (FeeMethod.BY_COUNT, 11, 100),
        (FeeMethod.BY_COUNT, 45, 300),
        (FeeMethod.BY_PAGE, 30, 0),
        (FeeMethod.BY_PAGE, 150, 1700),
        ("by_page", 201, 2740),  # the stored string value works as well
    ],
)
def test_fee_for_dispatches_on_the_one_method_of_the_application(method, basis, fee):
    assert fee_for(method, basis) == Decimal(fee)


def test_fee_for_rejects_unknown_method_and_invalid_basis():
    with pytest.raises(ValueError, match="计收方式"):
        fee_for("by_weight", 10)
    with pytest.raises(ValueError):
        fee_for(FeeMethod.BY_PAGE, 0)
    with pytest.raises(ValueError):
        fee_for(FeeMethod.BY_COUNT, -3)


def test_payment_period_is_20_working_days_table_3_vi_2():
    assert PAYMENT_WORKING_DAYS == 20
