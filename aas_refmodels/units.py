"""The models' unit symbols and their conversion with pint."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

# Whole spellings -> a pint expression: the models' UNECE Rec. 20 print symbols pint reads otherwise (r/min, min⁻¹,
# piece) and the usual plant and OPC UA DisplayName spellings of the same units.
_WORDS: dict[str, str] = {
    "r/min": "1/min", "rpm": "1/min", "RPM": "1/min", "U/min": "1/min", "min⁻¹": "1/min", "r/s": "1/s",
    "piece": "piece", "pieces": "piece", "pcs": "piece", "pc": "piece", "ea": "piece", "EA": "piece", "개": "piece",
    "%": "percent", "% or pct": "percent", "pct": "percent", "Nm": "N*m",
    "℃": "degC", "°C": "degC", "°c": "degC", "℉": "degF", "°F": "degF",
    "sec": "s", "Sec": "s", "초": "s", "분": "min", "시간": "h",
    "kgf/cm2": "kgf/cm**2", "mm3": "mm**3", "cm3": "cm**3", "m3": "m**3",
    # units without a Rec. 20 code (models/_units.json "exceptions") and plant spellings ("plant"/"spellings")
    "bar^-1/2": "bar**-0.5", "bar⁻¹ᐟ²": "bar**-0.5", "atm^-1/2": "atm**-0.5", "atm⁻¹ᐟ²": "atm**-0.5",
    "meq/100 g": "meq/hg", "meq/100g": "meq/hg", "mval/100 g": "meq/hg", "ASD": "A/dm**2", "asd": "A/dm**2",
}
# Characters inside a symbol -> pint syntax (µm, N·m, m³/h, A/m², µΩ, s⁻¹).
_CHARS = [("°C", "degC"), ("℃", "degC"), ("°F", "degF"), ("°", "deg"), ("µ", "u"), ("μ", "u"), ("Ω", "ohm"),
          ("\u2126", "ohm"),  # OHM SIGN, as in the UNECE print symbol µΩ
          ("³", "**3"), ("²", "**2"), ("·", "*"), ("⋅", "*"), ("%", "percent"), ("min⁻¹", "1/min"),
          ("s⁻¹", "1/s"), ("⁻¹", "**-1")]


class UnitError(ValueError):
    """A unit is unknown or cannot be converted into another."""


@functools.cache
def registry() -> Any:
    """The one pint registry (pint is imported on first use: ``aasref`` starts without it)."""
    import pint

    ureg: Any = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    ureg.define("piece = [count] = pcs")  # a count of things, not a parsec, and no plain number either
    ureg.define("gloss_unit = [gloss] = GU")
    ureg.define("equivalent = [equivalent] = eq = val")  # chemical equivalent: meq, mval (meq/100 g of e-coat)
    return ureg


def normalize(symbol: str) -> str:
    """A unit symbol in pint syntax (``r/min`` -> ``1/min``, ``N·m`` -> ``N*m``, ``µΩ`` -> ``uohm``)."""
    s = symbol.strip()
    if s in _WORDS:
        return _WORDS[s]
    for old, new in _CHARS:
        s = s.replace(old, new)
    return _WORDS.get(s, s)


@functools.lru_cache(maxsize=512)
def parse(symbol: str) -> Any:
    """The pint unit of a symbol; ``UnitError`` if pint does not know it."""
    if not symbol or not symbol.strip():
        raise UnitError("empty unit")
    try:
        return registry().parse_units(normalize(symbol))
    except Exception as exc:  # pint raises several unrelated exception types for bad input
        raise UnitError(f"unknown unit {symbol!r}") from exc


def known(symbol: str) -> bool:
    try:
        parse(symbol)
    except UnitError:
        return False
    return True


@functools.lru_cache(maxsize=512)
def converter(source: str, target: str) -> Callable[[float], float]:
    """A function converting a number in ``source`` into ``target``, compiled once into ``y = a·x + b`` (exact
    for every pint unit, offsets included); ``UnitError`` naming both if incompatible."""
    src, dst = parse(source), parse(target)
    if src == dst:
        return float
    ureg = registry()
    try:
        y0 = ureg.Quantity(0.0, src).to(dst).magnitude
        y1 = ureg.Quantity(1.0, src).to(dst).magnitude
    except Exception as exc:  # pint.DimensionalityError and friends
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
