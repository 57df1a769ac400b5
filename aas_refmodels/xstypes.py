"""Coercion of plain values (JSON scalars, strings from an MES export) to declared ``xs:*`` value types.

basyx's own parser (``datatypes.from_xsd``) is the authority for lexical forms; this module only decides
which Python inputs are acceptable for which type, so that ``True`` is no ``xs:int`` and ``1.5`` no ``xs:long``.
"""

from __future__ import annotations

import datetime
import decimal
import math
from typing import Any

from basyx.aas.model import datatypes

_INTEGER_TYPES = {
    "xs:integer", "xs:long", "xs:int", "xs:short", "xs:byte", "xs:nonNegativeInteger", "xs:nonPositiveInteger",
    "xs:positiveInteger", "xs:negativeInteger", "xs:unsignedLong", "xs:unsignedInt", "xs:unsignedShort",
    "xs:unsignedByte",
}
_FLOAT_TYPES = {"xs:double", "xs:float", "xs:decimal"}
NUMERIC_TYPES = frozenset(_INTEGER_TYPES | _FLOAT_TYPES)


def type_class(value_type: str) -> type:
    try:
        return datatypes.XSD_TYPE_CLASSES[value_type]
    except KeyError:
        raise ValueError(f"unknown value type {value_type!r}") from None


def coerce(value: Any, value_type: str) -> Any:
    """Return the basyx value of ``value`` for ``value_type``; ``ValueError`` says why it does not fit."""
    cls = type_class(value_type)
    if not isinstance(value, (bool, int, float, str)) and isinstance(value, cls):
        return value  # already a basyx value of this type
    if isinstance(value, bool):
        if value_type != "xs:boolean":
            raise ValueError(f"boolean {str(value).lower()} is not a {value_type} value")
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value_type in _INTEGER_TYPES:
            if isinstance(value, float):
                if not value.is_integer():
                    raise ValueError(f"{value!r} is not an integer ({value_type})")
                value = int(value)
            return datatypes.from_xsd(str(value), cls)
        if value_type in _FLOAT_TYPES:
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"{value!r} is not a finite number")
            return datatypes.from_xsd(repr(value) if isinstance(value, float) else str(value), cls)
        if value_type == "xs:string" and isinstance(value, int):
            return str(value)
        raise ValueError(f"number {value!r} is not a {value_type} value")
    if isinstance(value, (datetime.datetime, datetime.date, decimal.Decimal)):
        value = value.isoformat() if not isinstance(value, decimal.Decimal) else str(value)
    if not isinstance(value, str):
        raise ValueError(f"{type(value).__name__} value is not a {value_type} value")
    if value_type == "xs:string":
        return value
    try:
        parsed = datatypes.from_xsd(value.strip() if value_type != "xs:anyURI" else value, cls)
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise ValueError(f"{value!r} is not a valid {value_type} value ({exc})") from None
    if isinstance(parsed, float) and not math.isfinite(parsed):
        raise ValueError(f"{value!r} is not a finite number")
    if isinstance(parsed, decimal.Decimal) and not parsed.is_finite():
        raise ValueError(f"{value!r} is not a finite decimal")
    return parsed


def lexical(value: Any, value_type: str) -> str:
    """Canonical lexical form (as written into AAS files) of a value of ``value_type``."""
    return datatypes.xsd_repr(coerce(value, value_type))


def as_number(value: Any) -> float | None:
    """Numeric view of a coerced value for range checks (None if not numeric)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, decimal.Decimal)):
        return float(value)
    return None
