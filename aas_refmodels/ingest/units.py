"""Unit conversion with pint: a source column's unit -> the model element's unit.

The model's unit symbols (``°C``, ``bar``, ``1/min``, ``pcs``, ``N·m``, ``cm³``) are read by pint after a few
definitions pint lacks or reads otherwise (``pcs`` is a piece, not a parsec; ``GU`` a gloss unit; ``℃``).
A conversion is compiled once into ``y = a·x + b`` (exact for every pint unit, offsets included).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

_ALIASES = {"℃": "degC", "°c": "degC", "℉": "degF", "개": "pcs", "ea": "pcs", "EA": "pcs", "초": "s", "분": "min",
            "시간": "h", "rpm": "1/min", "RPM": "1/min", "sec": "s", "Sec": "s", "C": "degC", "F": "degF",
            "kgf/cm2": "kgf/cm²", "mm3": "mm³", "cm3": "cm³", "m3": "m³", "r/min": "1/min", "min⁻¹": "1/min"}


class UnitError(ValueError):
    """A unit is unknown or cannot be converted into another."""


@functools.lru_cache(maxsize=1)
def registry() -> Any:
    import pint

    ureg: Any = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    ureg.define("piece = [count] = pcs")
    ureg.define("gloss_unit = [gloss] = GU")
    return ureg


def _clean(unit: str) -> str:
    u = unit.strip()
    u = _ALIASES.get(u, u)
    return u.replace("·", "*").replace("²", "**2").replace("³", "**3")


@functools.lru_cache(maxsize=512)
def parse(unit: str) -> Any:
    """The pint unit of a symbol; ``UnitError`` if pint does not know it."""
    try:
        return registry().parse_units(_clean(unit))
    except Exception as exc:  # pint raises several unrelated exception types for bad input
        raise UnitError(f"unknown unit {unit!r}") from exc


def known(unit: str) -> bool:
    try:
        parse(unit)
    except UnitError:
        return False
    return True


@functools.lru_cache(maxsize=512)
def converter(source: str, target: str) -> Callable[[float], float]:
    """A function converting a number in ``source`` into ``target``; ``UnitError`` naming both if incompatible."""
    src, dst = parse(source), parse(target)
    ureg = registry()
    if src == dst:
        return float
    try:
        y0 = ureg.Quantity(0.0, src).to(dst).magnitude
        y1 = ureg.Quantity(1.0, src).to(dst).magnitude
    except Exception as exc:
        raise UnitError(f"cannot convert {source!r} ({src.dimensionality}) into {target!r} "
                        f"({dst.dimensionality})") from exc
    a, b = float(y1 - y0), float(y0)
    if b == 0.0:
        return lambda x: x * a
    return lambda x: x * a + b


def compatible(source: str, target: str) -> bool:
    try:
        converter(source, target)
    except UnitError:
        return False
    return True


_TRAILING = re.compile(r"[\(\[（]\s*(?P<u>[^()\[\]（）]+?)\s*[\)\]）]\s*$")


def unit_in_header(header: str) -> tuple[str, str | None]:
    """``온도(°C)`` -> (``온도``, ``°C``); ``pressure_bar`` -> (``pressure``, ``bar``); else (header, None)."""
    m = _TRAILING.search(header)
    if m and known(m.group("u")):
        return header[:m.start()].strip(), m.group("u").strip()
    for sep in ("_", " ", "-"):
        parts = header.split(sep)
        if len(parts) >= 3 and all(parts[-2:]):  # feed_mm_min -> mm/min, gas_l_min -> l/min
            compound = f"{parts[-2]}/{parts[-1]}"
            if known(compound) and _plausible(parts[-2]) and not parts[-2].isdigit():
                return sep.join(parts[:-2]).strip(), compound
        if sep in header:
            head, _, tail = header.rpartition(sep)
            if head and tail and len(tail) <= 6 and not tail.isdigit() and known(tail) and _plausible(tail):
                return head.strip(), tail
    return header, None


def _plausible(token: str) -> bool:
    """Reject words pint happens to know that are rarely units in a header (``time``, ``no``, ``id``, ``a``)."""
    if token in {"a", "t", "p", "d", "s1", "m1"}:
        return False
    return token.lower() not in {"time", "no", "id", "count", "cnt", "max", "avg", "type", "name", "code", "day",
                                 "year", "flag", "point", "number", "mean", "total", "sum"}
