"""Coercion of plain values (JSON scalars, strings from an MES export) to declared ``xs:*`` value types.

basyx's own parser (``datatypes.from_xsd``) is the authority for lexical forms; this module only decides
which Python inputs are acceptable for which type, so that ``True`` is no ``xs:int`` and ``1.5`` no ``xs:long``.
"""

from __future__ import annotations

import datetime
import decimal
import math
import re
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


class PlainDecimal(decimal.Decimal):
    """An xs:decimal that prints without exponent: basyx writes ``str(Decimal)``, and ``1E-8`` or ``3.6E+16``
    are no xs:decimal lexical forms (the XSD and aas-core reject them)."""

    def __str__(self) -> str:
        return format(self, "f")


def coerce(value: Any, value_type: str) -> Any:
    """Return the basyx value of ``value`` for ``value_type``; ``ValueError`` says why it does not fit."""
    result = _coerce(value, value_type)
    if value_type == "xs:decimal" and isinstance(result, decimal.Decimal) and not isinstance(result, PlainDecimal):
        if abs(result.adjusted()) > MAX_NUMBER_DIGITS:
            raise ValueError(f"{short(value)} has too many digits for an xs:decimal written without exponent")
        result = PlainDecimal(result)
    return result


def _coerce(value: Any, value_type: str) -> Any:
    cls = type_class(value_type)
    if not isinstance(value, (bool, int, float, str)) and isinstance(value, cls):
        if isinstance(value, decimal.Decimal) and not value.is_finite():
            raise ValueError(f"{value} is not a finite number")
        return value  # already a basyx value of this type
    if isinstance(value, bool):
        if value_type != "xs:boolean":
            raise ValueError(f"boolean {str(value).lower()} is not a {value_type} value")
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value_type in _INTEGER_TYPES:
            if isinstance(value, float):
                if not value.is_integer():
                    raise ValueError(f"{short(value)} is not an integer ({value_type})")
                value = int(value)
            if value.bit_length() > MAX_NUMBER_DIGITS * 10 // 3:
                raise ValueError(f"an integer of more than {MAX_NUMBER_DIGITS} digits is not a {value_type} value here")
            try:
                return datatypes.from_xsd(str(value), cls)
            except (ValueError, ArithmeticError) as exc:
                raise ValueError(f"{short(value)} is not a valid {value_type} value ({short(str(exc), 120)})") from None
        if value_type in _FLOAT_TYPES:
            if isinstance(value, int) and value.bit_length() > MAX_NUMBER_DIGITS * 10 // 3:
                raise ValueError(f"an integer of more than {MAX_NUMBER_DIGITS} digits is not a {value_type} value here")
            if value_type != "xs:decimal" and isinstance(value, int) and abs(value) > 1.7976931348623157e308:
                raise ValueError(f"{short(value)} is out of the {value_type} range")
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"{value!r} is not a finite number")
            return datatypes.from_xsd(repr(value) if isinstance(value, float) else str(value), cls)
        if value_type == "xs:string" and isinstance(value, int):
            return str(value)
        raise ValueError(f"number {value!r} is not a {value_type} value")
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a finite number")
        value = format(value, "f") if value_type in _INTEGER_TYPES | {"xs:decimal"} and abs(value.adjusted()) < 64 \
            else str(value)
    elif isinstance(value, datetime.datetime):
        value = value.date().isoformat() if value_type == "xs:date" else value.isoformat()
    elif isinstance(value, (datetime.date, datetime.time)):
        value = value.isoformat()
    if not isinstance(value, str):
        raise ValueError(f"{type(value).__name__} value is not a {value_type} value")
    problem = text_problem(value, what="value")
    if problem:
        raise ValueError(problem)
    if value_type == "xs:string":
        return value
    if value_type == "xs:anyURI":
        from aas_core3.verification import matches_xs_any_uri  # aas-core3.1's pattern rejects non-ASCII IRIs

        if not matches_xs_any_uri(value):
            raise ValueError(f"{short(value)} is not a valid xs:anyURI value (RFC 3987: no spaces, a % starts a "
                             "%XX escape, at most one '#')")
    if value_type in _INTEGER_TYPES | {"xs:decimal"} and len(value) > MAX_NUMBER_DIGITS:
        raise ValueError(f"{short(value)} has {len(value)} characters, more than the {MAX_NUMBER_DIGITS} "
                         f"a {value_type} value may have here")
    try:
        parsed = datatypes.from_xsd(value.strip() if value_type != "xs:anyURI" else value, cls)
    except NotImplementedError:  # basyx: years beyond 9999
        raise ValueError(f"{short(value)} is not supported: years after 9999 cannot be written") from None
    except (ValueError, TypeError, ArithmeticError) as exc:
        form = EXPECTED_FORMS.get(value_type)
        hint = f"; expected {form}" if form else ""
        raise ValueError(f"{short(value)} is not a valid {value_type} value ({short(str(exc), 120)}){hint}") from None
    if isinstance(parsed, float) and not math.isfinite(parsed):
        raise ValueError(f"{short(value)} is not a finite number (out of the {value_type} range)")
    if isinstance(parsed, decimal.Decimal) and not parsed.is_finite():
        raise ValueError(f"{short(value)} is not a finite decimal")
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


# Limits of the metamodel (IDTA-01001 V3.0/V3.1 primitive types) checked before anything is built, so that the
# builder never writes what a validator rejects.
MAX_IDENTIFIER = 2048  # Identifier, PathType (File value), Key value
MAX_TEXT = 1023  # LangStringTextType (MultiLanguageProperty text, descriptions)
MAX_NAME = 128  # NameType, LangStringNameType, ContentType
EXPECTED_FORMS = {
    "xs:dateTime": "YYYY-MM-DDThh:mm:ss[.fff][Z|+hh:mm], e.g. 2026-03-09T08:00:35+09:00 "
                   "(a time without zone, also written 2026-03-09 08:00:35, is read in the default time zone)",
    "xs:date": "YYYY-MM-DD, e.g. 2026-03-09",
    "xs:time": "hh:mm:ss[.fff][Z|+hh:mm], e.g. 08:00:35",
    "xs:duration": "an ISO 8601 duration, e.g. PT42.5S or P1DT2H",
}
MAX_NUMBER_DIGITS = 4000  # below Python's int/str conversion limit (4300)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def short(value: Any, limit: int = 80) -> str:
    """``repr`` of a value cut to about ``limit`` characters (error lines never quote a whole long value)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 1000:
        return f"<integer of about {int(value.bit_length() * 0.30103) + 1} digits>"
    text = repr(value) if not isinstance(value, str) or len(value) <= limit else repr(value[:limit])[:-1] + "…'"
    if len(text) > limit + 3 and not isinstance(value, str):
        text = text[:limit] + "…"
    return text


def text_problem(text: str, limit: int | None = None, what: str = "text") -> str | None:
    """Why ``text`` cannot be written into an AAS file (None if it can): characters XML cannot carry
    (AASd-130: control characters, lone surrogates, U+FFFE/U+FFFF) or more than ``limit`` characters."""
    bad = _NOT_XML.search(text)
    if bad:
        return (f"{what} {short(text)} contains U+{ord(bad.group()):04X} at position {bad.start()}, "
                "a character that XML cannot carry (AASd-130)")
    if limit is not None and len(text) > limit:
        return f"{what} has {len(text)} characters, more than the metamodel limit of {limit}"
    return None
