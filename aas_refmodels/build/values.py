"""Instance values keyed by idShort path: ``Submodel.Group.List[0].Element``.

Values arrive flat (``{"ProcessData.CycleTime": 42.3}``), nested (``{"ProcessData": {"CycleTime": 42.3}}``)
or mixed. They are flattened with the spec as a guide, so that the value of a MultiLanguageProperty
(``{"en": .., "ko": ..}``) or a Range (``{"min": .., "max": ..}``) is kept whole.
Repeated elements (``MaterialLot__00__``) and list items are addressed by index: ``MaterialLot[0]``, ``Tools[1]``.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import math
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ..spec import ElementSpec, ModelSpec
from ..spec.paths import LEAF_TYPES as LEAF_TYPES
from ..spec.paths import generic as generic
from ..spec.paths import index_spec as index_spec

_SEGMENT = re.compile(r"([A-Za-z][A-Za-z0-9_]*)|\[(\d+)\]")


def split(path: str) -> list[str | int]:
    """``A.B[2].C`` -> ``["A", "B", 2, "C"]``; raises ValueError on a malformed path."""
    return list(_split(path) if len(path) <= 256 else _split.__wrapped__(path))  # long keys are not kept


@functools.lru_cache(maxsize=8192)  # the same columns arrive with every record
def _split(path: str) -> tuple[str | int, ...]:
    parts: list[str | int] = []
    for token in path.split("."):
        if not token:
            raise ValueError(f"malformed path {path!r}")
        rebuilt = "".join(m.group(0) for m in _SEGMENT.finditer(token))
        if rebuilt != token or not token[0].isalpha():
            raise ValueError(f"malformed path segment {token!r} in {path!r}")
        for m in _SEGMENT.finditer(token):
            parts.append(m.group(1) if m.group(1) else int(m.group(2)))
    return tuple(parts)


def join(parts: list[str | int]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


def flatten(values: Mapping[str, Any], index: Mapping[str, ElementSpec],
            hint: Callable[[str], str] | None = None) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Flat ``{path: value}`` plus (path, problem) for keys that are malformed; ``hint(key)`` (a "did you mean",
    or "") is added to the problem of a malformed key such as ``ProcessData.사이클타임``."""
    flat: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []

    def put(prefix: list[str | int], value: Any) -> None:
        path = join(prefix)
        if type(value).__module__.split(".")[0] in ("numpy", "pandas") and getattr(value, "ndim", 0) == 1:
            value = list(value.tolist())  # a numpy array or pandas Series of list items
        elif isinstance(value, tuple):
            value = list(value)
        if len(prefix) > MAX_DEPTH:
            problems.append((path[:200], f"values nested more than {MAX_DEPTH} levels deep: no reference model is"))
            return
        spec = index.get(generic(path))
        is_leaf = spec is not None and spec.model_type in LEAF_TYPES
        if isinstance(value, Mapping) and not is_leaf:
            for k, v in value.items():
                if not isinstance(k, str):
                    problems.append((path, f"key {k!r} is not a string"))
                    continue
                try:
                    put(prefix + split(k), v)
                except ValueError as exc:
                    found = hint(f"{path}.{k}" if path else k) if hint is not None else ""
                    problems.append((path or "$", str(exc) + (f"; {found}" if found else "")))
        elif isinstance(value, list) and not (is_leaf and spec is not None and spec.model_type == "Range"):
            for i, v in enumerate(value):
                put([*prefix, i], v)
        else:
            if path in flat:
                problems.append((path, "given twice"))
            flat[path] = value

    put([], dict(values))
    return flat, problems


def example_values(spec: ModelSpec, variant: str | None = None) -> dict[str, Any]:
    """Flat values made of the spec's examples: one occurrence of each repeated element, one list item.

    A model with exclusive variants gives one coherent record of one of them: ``variant`` (default: the model's
    default variant) keeps the elements of that variant only, with their example in that variant.
    ValueError names the known variants for an unknown one."""
    key = spec.variant_key(variant)
    flat: dict[str, Any] = {}

    def visit(e: ElementSpec, path: str) -> None:
        if key is not None and not e.in_variant(key):
            return
        if e.model_type in LEAF_TYPES:
            example = e.example_for(key)
            if example is not None:
                flat[path] = example
            return
        for c in e.children:
            visit(c, _child_path(path, c))
        if e.item is not None:
            visit(e.item, f"{path}[0]")

    for sm in spec.submodels:
        for e in sm.elements:
            visit(e, _child_path(sm.id_short, e))
    return flat


def _child_path(parent: str, e: ElementSpec) -> str:
    return f"{parent}.{e.base_id_short}[0]" if e.repeated else f"{parent}.{e.id_short}"


def under(flat: Mapping[str, Any], path: str) -> Iterator[str]:
    """Keys at or below ``path``."""
    for k in flat:
        if k == path or k.startswith(path + ".") or k.startswith(path + "["):
            yield k


def indices(flat: Mapping[str, Any], path: str) -> list[int]:
    """Indices ``i`` used as ``path[i]...`` in the keys."""
    pattern = re.compile(re.escape(path) + r"\[(\d+)\]")
    return sorted({int(m.group(1)) for k in flat if (m := pattern.match(k))})


# ---- plain Python values of a factory script ---------------------------------------------------------------

class _Absent:
    """Marker for a value that means "not given": None, "", NaN, pandas NaT/NA."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()
MAX_DEPTH = 64  # values nested deeper than any reference model are refused (no RecursionError)
_NAIVE_TIMESTAMP = re.compile(r"^\s*(-?\d{4,}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*$")


def resolve_timezone(tz: str | datetime.tzinfo | None) -> datetime.tzinfo:
    """The zone for timestamps without one: a tzinfo, ``"UTC"``, ``"+09:00"``, an IANA name
    (``"Asia/Seoul"``) or None for the system's local zone. ``ValueError`` for an unknown name."""
    if isinstance(tz, datetime.tzinfo):
        return tz
    if tz is None or tz == "local":
        local = datetime.datetime.now().astimezone().tzinfo
        assert local is not None
        return local
    if tz.upper() in ("UTC", "Z"):
        return datetime.UTC
    m = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", tz)
    if m:
        delta = datetime.timedelta(hours=int(m.group(2)), minutes=int(m.group(3)))
        return datetime.timezone(-delta if m.group(1) == "-" else delta)
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {tz!r}: use an IANA name such as Asia/Seoul, UTC or an offset "
                         "such as +09:00") from None


def plain(value: Any) -> Any:
    """numpy / pandas scalars as Python values; None, "", NaN and NaT as ``ABSENT``.

    numpy and pandas are optional: they are recognised by module name and duck typing, never imported.
    """
    if value is None or isinstance(value, _Absent):
        return ABSENT
    module = type(value).__module__.split(".")[0]
    if module == "pandas":
        name = type(value).__name__
        if name in ("NaTType", "NAType"):
            return ABSENT
        if hasattr(value, "to_pydatetime"):  # pandas.Timestamp
            return value.to_pydatetime()
        if hasattr(value, "to_pytimedelta"):  # pandas.Timedelta
            return _duration(value.to_pytimedelta())
    if module == "numpy" and hasattr(value, "item"):
        if type(value).__name__ == "datetime64":
            text = str(value)
            return ABSENT if text == "NaT" else text.replace(" ", "T")
        if getattr(value, "ndim", 0) == 0:
            return plain(value.item())
    if isinstance(value, str):
        return ABSENT if value == "" else value
    if isinstance(value, float):
        return ABSENT if math.isnan(value) else value
    if isinstance(value, decimal.Decimal) and value.is_nan():
        return ABSENT
    if isinstance(value, datetime.timedelta):
        return _duration(value)
    return value


def _duration(delta: datetime.timedelta) -> str:
    """xs:duration of a timedelta: ``PT42.5S``, ``-P1DT2H``."""
    total = delta.total_seconds()
    sign, total = ("-", -total) if total < 0 else ("", total)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    time = "".join(f"{int(v)}{u}" for v, u in ((hours, "H"), (minutes, "M")) if v)
    if seconds or not (days or time):
        time += f"{seconds:.6f}".rstrip("0").rstrip(".") + "S"
    return f"{sign}P{f'{int(days)}D' if days else ''}{'T' + time if time else ''}"


def with_zone(value: Any, value_type: str | None, tz: datetime.tzinfo) -> Any:
    """Give zone-less timestamps of an ``xs:dateTime`` the default zone (``2026-03-09 08:00:35`` ->
    ``2026-03-09T08:00:35+09:00``); other values unchanged."""
    if value_type != "xs:dateTime":
        return value
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time(), tz)
    if isinstance(value, str):
        m = _NAIVE_TIMESTAMP.match(value)
        if m:
            stamp = f"{m.group(1)}T{m.group(2)}"
            try:
                naive = datetime.datetime.fromisoformat(stamp)
            except ValueError:
                return value  # the xs:dateTime parser reports it, with the expected form
            stamp = naive.isoformat()
            offset = naive.replace(tzinfo=tz).isoformat()[len(naive.isoformat()):]
            return stamp + (offset or "Z")
    return value
