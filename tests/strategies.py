"""Hypothesis strategies: random valid value sets for any reference model (honouring types, allowed values, ranges)."""

from __future__ import annotations

import datetime
import decimal
import string
from typing import Any

from hypothesis import strategies as st

from aas_refmodels.spec import ElementSpec, ModelSpec

_INT_BOUNDS = {
    "xs:byte": (-128, 127), "xs:short": (-(2**15), 2**15 - 1), "xs:int": (-(2**31), 2**31 - 1),
    "xs:long": (-(2**63), 2**63 - 1), "xs:integer": (-(10**20), 10**20), "xs:unsignedByte": (0, 255),
    "xs:unsignedShort": (0, 2**16 - 1), "xs:unsignedInt": (0, 2**32 - 1), "xs:unsignedLong": (0, 2**64 - 1),
    "xs:nonNegativeInteger": (0, 10**20), "xs:positiveInteger": (1, 10**20), "xs:nonPositiveInteger": (-(10**20), 0),
    "xs:negativeInteger": (-(10**20), -1),
}
TEXT = st.text(alphabet=string.ascii_letters + string.digits + " -_/가나다라마바사공정금형", min_size=1, max_size=24).filter(
    lambda s: s.strip() == s and s != "")


def scalar(e: ElementSpec) -> st.SearchStrategy[Any]:
    vt = e.value_type or "xs:string"
    if e.allowed_values:
        return st.sampled_from(e.allowed_values)
    lo, hi = e.allowed_range or (None, None)
    if vt in _INT_BOUNDS:
        a, b = _INT_BOUNDS[vt]
        a = max(a, int(lo)) if lo is not None else a
        b = min(b, int(hi)) if hi is not None else b
        return st.integers(a, b)
    if vt in ("xs:double", "xs:float"):
        return st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False,
                         width=32 if vt == "xs:float" else 64)
    if vt == "xs:decimal":
        return st.decimals(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False, places=3).map(str)
    if vt == "xs:boolean":
        return st.booleans()
    if vt == "xs:dateTime":
        return st.datetimes(datetime.datetime(2000, 1, 1), datetime.datetime(2100, 1, 1),
                            timezones=st.just(datetime.timezone(datetime.timedelta(hours=9)))).map(
            lambda d: d.replace(microsecond=0).isoformat())
    if vt == "xs:date":
        return st.dates(datetime.date(2000, 1, 1), datetime.date(2100, 1, 1)).map(lambda d: d.isoformat())
    if vt == "xs:duration":
        return st.integers(0, 10**6).map(lambda s: f"PT{s}S")
    if vt == "xs:anyURI":
        return st.from_regex(r"https://example\.com/[a-z0-9]{1,12}", fullmatch=True)
    if vt == "xs:time":
        return st.times().map(lambda t: t.replace(microsecond=0).isoformat())
    return TEXT


def leaf(e: ElementSpec) -> st.SearchStrategy[Any]:
    mt = e.model_type
    if mt == "Property":
        return scalar(e)
    if mt == "MultiLanguageProperty":
        return st.fixed_dictionaries({"en": TEXT, "ko": TEXT})
    if mt == "Range":
        return st.tuples(scalar(e), scalar(e)).map(lambda ab: {"min": min(ab, key=_key), "max": max(ab, key=_key)})
    if mt == "File":
        return st.from_regex(r"https://example\.com/files/[a-z]{1,8}\.pdf", fullmatch=True)
    if mt == "Blob":
        return st.just("aGVsbG8=")
    return st.from_regex(r"https://example\.com/ref/[a-z0-9]{1,10}", fullmatch=True)


def _key(x: Any) -> Any:
    if isinstance(x, str):
        try:
            return (0, decimal.Decimal(x), "")
        except decimal.InvalidOperation:
            return (1, decimal.Decimal(0), x)
    return (0, x, "")


@st.composite
def model_values(draw: st.DrawFn, spec: ModelSpec) -> dict[str, Any]:
    """A flat, valid value set: mandatory elements always, optional ones at random, 1–3 list items/repeats."""
    flat: dict[str, Any] = {}

    def fill(e: ElementSpec, path: str, force: bool) -> None:
        if not force and not e.cardinality.required and not draw(st.booleans()):
            return
        if e.model_type in ("SubmodelElementCollection", "Entity"):
            for c in e.children:
                visit(c, path)
        elif e.model_type == "SubmodelElementList":
            assert e.item is not None
            n = draw(st.integers(1 if e.item.cardinality.required else 0, 3))
            for i in range(n):
                fill(e.item, f"{path}[{i}]", True)
        else:
            flat[path] = draw(leaf(e))

    def visit(e: ElementSpec, parent: str) -> None:
        if e.repeated:
            n = draw(st.integers(1 if e.cardinality.required else 0, 2))
            for i in range(n):
                fill(e, f"{parent}.{e.base_id_short}[{i}]", True)
        else:
            fill(e, f"{parent}.{e.id_short}", False)

    for sm in spec.submodels:
        for e in sm.elements:
            visit(e, sm.id_short)
    return flat


def invalid_value(e: ElementSpec) -> Any:
    """A value that no Property of this spec accepts."""
    vt = e.value_type or "xs:string"
    if e.allowed_values:
        return "NOT-AN-ALLOWED-VALUE"
    if e.allowed_range and e.allowed_range[0] is not None:
        return e.allowed_range[0] - 1000
    if e.allowed_range and e.allowed_range[1] is not None:
        return e.allowed_range[1] + 1000
    if vt in ("xs:string", "xs:anyURI"):  # any text is a valid string (and, lexically, anyURI)
        return {"en": "a map is no string"}
    return "not a value of " + vt
