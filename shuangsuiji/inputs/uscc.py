"""The unified social credit code (统一社会信用代码) of GB 32100-2015.

Eighteen characters from a 31-character alphabet (digits and capitals without I, O, S,
V, Z): registration authority, organisation type, six-digit region, nine-character
organisation code (GB 11714), and a check character. The check character is
``31 - (sum of value x weight over the first 17) mod 31``, with 31 written as 0.
"""

from __future__ import annotations

import re
import unicodedata

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# Fast path of ``problem`` for the valid codes that make up almost every registry row.
# WEIGHTS[i] is 3**i mod 31 and 34 = 3 (mod 31), so the weighted sum is congruent to the
# number whose base-34 digits, least significant first, are the characters' values: the
# first 17 characters reversed, each mapped to the base-34 digit of its value, read by int().
_WELL_FORMED = re.compile("[" + re.escape(ALPHABET) + "]{18}")
_TO_BASE34 = str.maketrans(ALPHABET, "0123456789abcdefghijklmnopqrstu")
_ALL_WELL_FORMED = re.compile("[" + re.escape(ALPHABET) + "]*")
_CHECK_FOR = "".join(ALPHABET[-t % 31] for t in range(31))  # check character by (weighted sum mod 31)

# GB 11714 organisation code (positions 9-17): eight characters and a check character.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters (assumed in ALPHABET)."""
    total = sum(VALUES[c] * w for c, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def org_check_char(first8: str) -> str:
    """The GB 11714 check character of an organisation code's first 8 characters."""
    total = 0
    for c, w in zip(first8, _ORG_WEIGHTS):
        total += (int(c) if c.isdigit() else ord(c) - ord("A") + 10) * w
    r = (11 - total % 11) % 11
    return "X" if r == 10 else str(r)


def problem(code: str) -> tuple[str, str] | None:
    """Why ``code`` is not a valid USCC, as (message, hint); None when it is valid."""
    if _WELL_FORMED.fullmatch(code) and ALPHABET[-int(code[16::-1].translate(_TO_BASE34), 34) % 31] == code[17]:
        return None
    if len(code) != 18:
        return (
            f"统一社会信用代码应为 18 位，实为 {len(code)} 位：{code}",
            "请核对营业执照上的代码，注意不要多输或漏输字符",
        )
    bad = sorted({c for c in code if c not in VALUES})
    if bad:
        shown = "、".join(bad)
        return (
            f"统一社会信用代码含有不允许的字符：{shown}",
            "只允许数字和除 I、O、S、V、Z 以外的大写字母；小写字母请改为大写",
        )
    expected = check_char(code[:17])
    if code[17] != expected:
        return (
            f"统一社会信用代码校验位应为 {expected}，实为 {code[17]}：{code}",
            "请核对原始登记信息，代码中可能有输错的字符",
        )
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None


def all_valid(codes: str) -> bool:
    """Whether ``codes`` is valid USCCs written end to end (18 characters each), checked at once.

    The same test as ``problem(code) is None`` for each code, at a fraction of the cost
    for a registry of millions; an empty string holds no invalid code.
    """
    if len(codes) % 18 or not _ALL_WELL_FORMED.fullmatch(codes):
        return False
    digits = codes.translate(_TO_BASE34)[::-1]  # last code first, each reversed: check character first
    check = _CHECK_FOR
    expected = "".join([check[int(digits[at:at + 17], 34) % 31] for at in range(1, len(digits), 18)])
    return expected == codes[17::18][::-1]


def entity_key(text: str) -> str:
    """An entity id as typed or pasted (full-width letters, lower case, spaces; the byte-order mark or
    zero-width space a cell copied from Excel, WPS or a web page brings along) -> as the registry holds it."""
    plain = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in plain if not ch.isspace() and unicodedata.category(ch) != "Cf").upper()
