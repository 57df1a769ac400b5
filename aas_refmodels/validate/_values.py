"""Reading values out of a raw AAS document."""

from __future__ import annotations

import decimal
from typing import Any


def finite_decimal(text: Any) -> decimal.Decimal | None:
    """The number a lexical value denotes, or None if it is no finite number."""
    if not isinstance(text, str):
        return None
    try:
        value = decimal.Decimal(text.strip())
    except (decimal.InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None
