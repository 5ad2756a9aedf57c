"""统一社会信用代码 check character (GB 32100-2015, section 4 and annex).

An 18-character code: 17 characters from the 31-character set below, then a
check character computed from them with weights 3^i mod 31.
"""
from __future__ import annotations

# The code's character set: digits and capital letters without I O Z S V.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {c: i for i, c in enumerate(CHARSET)}


def check_char(code17: str) -> str:
    """The 18th character for the first 17; ValueError on a wrong length or character."""
    code17 = code17.upper()
    if len(code17) != 17:
        raise ValueError(f"need 17 characters, got {len(code17)}")
    try:
        total = sum(_VALUE[c] * w for c, w in zip(code17, WEIGHTS))
    except KeyError as e:
        raise ValueError(f"character {e.args[0]!r} is not in the GB 32100 set") from None
    return CHARSET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    """True when `code` has 18 characters from the set and a correct check character."""
    code = code.upper()
    if len(code) != 18 or any(c not in _VALUE for c in code):
        return False
    return check_char(code[:17]) == code[17]
