"""A source column's unit: guessed from its header (``온도(°C)``, ``pressure_bar``, ``feed_mm_min``).

Parsing and conversion are the shared :mod:`aas_refmodels.units` (re-exported here for the ingest modules); only
the plant spellings ``C``/``F`` for °C/°F are ingest's own, since in the models ``C`` is the coulomb.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .. import units as _units
from ..units import UnitError, registry

__all__ = ["UnitError", "compatible", "converter", "known", "parse", "registry", "same", "unit_in_header"]

_PLANT = {"C": "°C", "F": "°F"}  # a column headed "온도(C)" means degrees Celsius


def parse(unit: str) -> Any:
    """The pint unit of a source column's unit symbol; ``UnitError`` if pint does not know it."""
    return _units.parse(_PLANT.get(unit.strip(), unit))


def known(unit: str) -> bool:
    return _units.known(_PLANT.get(unit.strip(), unit))


def converter(source: str, target: str) -> Callable[[float], float]:
    """Source column unit -> model unit (a compiled ``y = a·x + b``); ``UnitError`` naming both if incompatible."""
    return _units.converter(_PLANT.get(source.strip(), source), target)


def compatible(source: str, target: str) -> bool:
    return _units.compatible(_PLANT.get(source.strip(), source), target)


def same(source: str, target: str) -> bool:
    """The source column's unit is the model unit ``target`` (whatever the spelling)."""
    return bool(parse(source) == _units.parse(target))


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
