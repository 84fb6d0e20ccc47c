"""Numbers in a Notion number column's display format (``$1,234.50``, ``50%``).

Notion stores the raw number and formats it for display by the column's
``number.format``; a CSV reader expects what Notion's own CSV shows, and a row
page must show what its data source's table does, so every format and place goes
through :func:`format_number`. The formats are those of Notion's API reference
(symbols as en-US ``Intl.NumberFormat`` writes them, as Notion's web app does);
a format newer than this list falls back to the plain number rather than failing.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal

__all__ = ["PLAIN_FORMATS", "format_number"]

#: Formats that show the number as it is: where these apply, a number may stay a number.
PLAIN_FORMATS = frozenset({"", "number"})

#: symbol, placed before (True) or after (False) the amount, decimals.
_CURRENCIES: dict[str, tuple[str, bool, int]] = {
    "dollar": ("$", True, 2),
    "australian_dollar": ("A$", True, 2),
    "canadian_dollar": ("CA$", True, 2),
    "euro": ("€", True, 2),
    "pound": ("£", True, 2),
    "yen": ("¥", True, 0),
    "ruble": ("RUB ", True, 2),
    "rupee": ("₹", True, 2),
    "won": ("₩", True, 0),
    "yuan": ("CN¥", True, 2),
    "real": ("R$", True, 2),
    "lira": ("TRY ", True, 2),
    "rupiah": ("Rp ", True, 2),
    "franc": ("CHF ", True, 2),
    "hong_kong_dollar": ("HK$", True, 2),
    "new_zealand_dollar": ("NZ$", True, 2),
    "krona": ("SEK ", True, 2),
    "norwegian_krone": ("NOK ", True, 2),
    "mexican_peso": ("MX$", True, 2),
    "rand": ("ZAR ", True, 2),
    "new_taiwan_dollar": ("NT$", True, 2),
    "danish_krone": ("DKK ", True, 2),
    "zloty": ("PLN ", True, 2),
    "baht": ("THB ", True, 2),
    "forint": ("HUF ", True, 2),
    "koruna": ("CZK ", True, 2),
    "shekel": ("₪", True, 2),
    "chilean_peso": ("CLP ", True, 0),
    "philippine_peso": ("₱", True, 2),
    "dirham": ("AED ", True, 2),
    "colombian_peso": ("COP ", True, 2),
    "riyal": ("SAR ", True, 2),
    "ringgit": ("MYR ", True, 2),
    "leu": ("RON ", True, 2),
    "argentine_peso": ("ARS ", True, 2),
    "uruguayan_peso": ("UYU ", True, 2),
    "singapore_dollar": ("SGD ", True, 2),
    "peruvian_sol": ("PEN ", True, 2),
}


def _plain(value: float) -> str:
    """Shortest exact text: ``3`` not ``3.0``, no exponent for ordinary magnitudes."""
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return ""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    text = repr(value)
    if "e" in text and 1e-7 <= abs(value) < 1e21:
        text = f"{value:.15f}".rstrip("0").rstrip(".")
    return text


def _rounded(value: int | float, decimals: int) -> Decimal:
    """``abs(value)`` rounded half away from zero on its shortest decimal form, as
    ``Intl.NumberFormat`` rounds (``2.675`` → ``2.68``, where ``format()`` gives ``2.67``)."""
    exact = abs(Decimal(repr(value)) if isinstance(value, float) else Decimal(value))
    digits = Context(prec=max(exact.adjusted(), 0) + decimals + 2, rounding=ROUND_HALF_UP)
    return exact.quantize(Decimal(1).scaleb(-decimals), context=digits)


def format_number(value: int | float, fmt: str | None) -> str:
    """``value`` as Notion displays it for a column ``number.format`` (None: plain)."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return ""
    if fmt is None or fmt in PLAIN_FORMATS:
        return _plain(value)
    if fmt == "number_with_commas":
        plain = _plain(value)
        if "e" in plain:  # beyond 1e21 or below 1e-7: no thousands to separate
            return plain
        whole, dot, frac = plain.partition(".")
        sign = "-" if whole.startswith("-") else ""
        return f"{sign}{int(whole.lstrip('-') or 0):,}{dot}{frac}"
    if fmt == "percent":
        return _plain(round(value * 100, 10)) + "%"
    if fmt in _CURRENCIES:
        symbol, before, decimals = _CURRENCIES[fmt]
        amount = f"{_rounded(value, decimals):,.{decimals}f}"
        sign = "-" if value < 0 else ""
        return f"{sign}{symbol}{amount}" if before else f"{sign}{amount}{symbol}"
    return _plain(value)
