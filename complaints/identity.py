"""Finding a person in a text written for readers who must not learn who they are: the question
the supervision office puts to the office complained about (M.19: the reporter is kept secret)
and the public version of a consultation in the FAQ (published without the asker's identity).

The check is a guard against slips, not a proof: a match refuses the text without saying what
matched (the message would otherwise repeat it). What counts as a match:

- the text is compared as typed, after NFKC (full-width digits and letters become ASCII), in upper
  case and with all whitespace removed, so "１３７ 0000 1111" and "韩 梅梅" are found;
- numbers (phone, ID) are compared with the runs of digits in the text, whatever separates the
  digits of a run ("137-0000-1111", "(0431) 8888 8888"); a long number is also found by its last
  eight digits, the part that identifies (area codes and mobile prefixes are shared);
- a Chinese personal name (two to four characters) is also found by its first two and last two
  characters: surname and first given character, or the given name alone ("小明" for 王小明);
  longer names (organisations) only whole;
- an e-mail address whole, or its part before the "@" when that is five characters or more.
"""

from __future__ import annotations

import re
import unicodedata

CHINESE_NAME = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,4}")
# A run of digits (and the X of an ID number), with separators people put between digits.
NUMBER_RUN = re.compile(r"[0-9X](?:[0-9X\-‐‑–—_./()（）·]*[0-9X])?")
# The tracking code of a disclosure application (applications/services.py: SQ2026-000123).
APPLICATION_CODE = re.compile(r"SQ\d{4}[-‐‑–—_]?\d{1,6}")
TAIL_DIGITS = 8


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).upper()


def _digits(value: str) -> str:
    return re.sub(r"[^0-9X]", "", normalise(value))


def name_variants(name: str) -> set[str]:
    name = normalise(name)
    if len(name) < 2:
        return set()
    variants = {name}
    if len(name) >= 3 and CHINESE_NAME.fullmatch(name):
        variants |= {name[:2], name[-2:]}
    return variants


def number_variants(number: str) -> set[str]:
    digits = _digits(number)
    if len(digits) < 5:
        return set()
    return {digits, digits[-TAIL_DIGITS:]} if len(digits) >= 10 else {digits}


def identity_in(text: str, *, name: str = "", numbers=(), emails=(), address: str = "") -> bool:
    """Whether `text` carries the person's name, numbers, e-mail or address (see the module)."""
    flat = normalise(text)
    if not flat:
        return False
    if any(variant in flat for variant in name_variants(name)):
        return True
    runs = [_digits(run) for run in NUMBER_RUN.findall(flat)]
    for number in numbers:
        if any(variant in run for variant in number_variants(number) for run in runs):
            return True
    for email in emails:
        email = normalise(email)
        local = email.partition("@")[0]
        if (len(email) >= 3 and email in flat) or (len(local) >= 5 and local in flat):
            return True
    address = normalise(address)
    return len(address) >= 4 and address in flat


def reference_in(text: str, *, reference: str = "") -> bool:
    """Whether `text` names a disclosure application by its tracking code, or repeats what the
    reporter gave as the related application or information: through it, the office complained
    about could find out who applied, and so who reported."""
    flat = normalise(text)
    if APPLICATION_CODE.search(flat):
        return True
    reference = normalise(reference)
    return len(reference) >= 4 and reference in flat
