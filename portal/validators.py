"""Validators for Chinese identity numbers, shared by the agency profile and public forms."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: the unified social credit code (统一社会信用代码).
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB 11643-1999: the resident identity number (公民身份号码).
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK = "10X98765432"


def is_ascii_number(value: str) -> bool:
    """Digits 0-9 only: `str.isdigit()` also accepts "①" and "٣", which `int()` then refuses."""
    return bool(value) and value.isascii() and value.isdigit()


def uscc_is_valid(code: str) -> bool:
    code = (code or "").strip().upper()
    if len(code) != 18 or any(ch not in USCC_CHARSET for ch in code):
        return False
    total = sum(USCC_CHARSET.index(ch) * weight for ch, weight in zip(code[:17], USCC_WEIGHTS, strict=True))
    check = (31 - total % 31) % 31
    return code[17] == USCC_CHARSET[check]


def resident_id_is_valid(number: str) -> bool:
    number = (number or "").strip().upper()
    if len(number) != 18 or not is_ascii_number(number[:17]) or number[17] not in "0123456789X":
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], RESIDENT_ID_WEIGHTS, strict=True))
    return number[17] == RESIDENT_ID_CHECK[total % 11]


def validate_uscc(value: str) -> None:
    if not uscc_is_valid(value):
        raise ValidationError(
            _("统一社会信用代码无效：应为18位，且校验位正确。"), code="invalid_uscc"
        )


def validate_resident_id(value: str) -> None:
    if not resident_id_is_valid(value):
        raise ValidationError(_("居民身份证号码无效：应为18位，且校验位正确。"), code="invalid_resident_id")
