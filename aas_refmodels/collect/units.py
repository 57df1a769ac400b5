"""Engineering units: OPC UA EUInformation (UNECE Rec. 20 codes) to the model's unit symbols.

Parsing and conversion are the shared :mod:`aas_refmodels.units`; this module reads what a server states.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .. import units as _units
from ..units import normalize

UNECE_NAMESPACE = "http://www.opcfoundation.org/UA/units/un/cefact"

# UNECE Rec. 20 common code -> unit expression pint understands (the codes our models' units need, plus
# their usual neighbours). A code missing here falls back to the EUInformation DisplayName.
UNECE_UNITS: dict[str, str] = {
    "SEC": "s", "C26": "ms", "B98": "us", "MIN": "min", "HUR": "h", "DAY": "day",
    "MMT": "mm", "CMT": "cm", "MTR": "m", "4H": "um", "DMT": "dm", "INH": "inch",
    "MMQ": "mm**3", "CMQ": "cm**3", "MTQ": "m**3", "LTR": "l", "MLT": "ml", "DMQ": "dm**3",
    "MMK": "mm**2", "CMK": "cm**2", "MTK": "m**2",
    "MTS": "m/s", "C16": "mm/s", "2M": "cm/s", "H81": "mm/min", "2X": "m/min",
    "RPM": "1/min", "RPS": "1/s", "HTZ": "Hz", "KHZ": "kHz",
    "BAR": "bar", "MBR": "mbar", "PAL": "Pa", "KPA": "kPa", "MPA": "MPa", "A97": "hPa", "PS": "psi",
    "CEL": "degC", "KEL": "K", "FAH": "degF",
    "NEW": "N", "B73": "MN", "B47": "kN", "NU": "N*m", "B48": "kN*m",
    "WTT": "W", "KWT": "kW", "MAW": "MW", "KWH": "kWh", "JOU": "J", "KJO": "kJ", "WHR": "Wh",
    "AMP": "A", "4K": "mA", "VLT": "V", "KVT": "kV", "OHM": "ohm",
    "GRM": "g", "KGM": "kg", "TNE": "t", "MGM": "mg", "E93": "kg/h",
    "P1": "percent", "C62": "1", "H87": "piece", "NAR": "piece", "DD": "deg", "C81": "rad",
    "A86": "GHz", "MHZ": "MHz",
    "A41": "A/m**2", "B12": "J/m", "C65": "Pa*s", "AMH": "A*h", "TAH": "kA*h",
}


def unece_code(unit_id: int) -> str | None:
    """The UNECE common code an OPC UA EUInformation.UnitId encodes (OPC 10000-8 §5.6.3), or None."""
    if unit_id <= 0 or unit_id > 0xFFFFFFFF:
        return None
    raw = unit_id.to_bytes(4, "big").lstrip(b"\x00")
    try:
        code = raw.decode("ascii")
    except UnicodeDecodeError:
        return None
    return code if re.fullmatch(r"[A-Z0-9]{1,4}", code) else None


def unit_id(code: str) -> int:
    """OPC UA EUInformation.UnitId of a UNECE common code (``"SEC"`` -> 5457219)."""
    return int.from_bytes(code.encode("ascii"), "big")


def parse(symbol: str) -> Any | None:
    """A pint unit for a unit symbol (model or DisplayName spelling), or None when it is unknown."""
    try:
        return _units.parse(symbol)
    except _units.UnitError:
        return None


@dataclass(frozen=True)
class SourceUnit:
    """The unit a server states for a value: the UNECE code if known, and a readable symbol."""

    symbol: str
    code: str | None = None

    def pint_unit(self) -> Any | None:
        if self.code and self.code in UNECE_UNITS:
            return parse(UNECE_UNITS[self.code])
        return parse(self.symbol)


def from_eu_information(eu: Any) -> SourceUnit | None:
    """SourceUnit of an asyncua ``ua.EUInformation`` (None if it states nothing usable)."""
    if eu is None:
        return None
    code = unece_code(int(getattr(eu, "UnitId", 0) or 0)) if str(getattr(eu, "NamespaceUri", "") or "").rstrip(
        "/") in (UNECE_NAMESPACE, "") else None
    display = getattr(getattr(eu, "DisplayName", None), "Text", None) or ""
    if not code and not display:
        return None
    return SourceUnit(display or (code or ""), code)


def same(source: SourceUnit, target: str) -> bool:
    """True when the server's unit is the model's unit (whatever the spelling)."""
    src, dst = source.pint_unit(), parse(target)
    if src is None or dst is None:
        return normalize(source.symbol) == normalize(target)
    return bool(src == dst)


class UnitMismatch(ValueError):
    """The server's unit cannot be converted into the model's unit."""


def convert(value: float, source: SourceUnit | None, target: str | None) -> float:
    """``value`` in the server's unit, expressed in the model's unit ``target``.

    Without a source or target unit the value is taken as it is (the server states no unit, or the element has
    none). Raises :class:`UnitMismatch` when both are stated and not convertible.
    """
    if source is None or not target:
        return value
    src, dst = source.pint_unit(), parse(target)
    if src is None or dst is None:
        if normalize(source.symbol) == normalize(target):
            return value
        raise UnitMismatch(f"unit {source.symbol or source.code!r} cannot be related to {target!r}")
    if src == dst:
        return value
    ureg = _units.registry()
    pair = {src, dst}
    if pair == {ureg.Unit("degC"), ureg.Unit("K")}:  # the models give absolute temperatures in °C, so K means a
        return value                                  # difference: 1 K = 1 °C
    if pair == {ureg.Unit("piece"), ureg.Unit("dimensionless")}:  # a counter stated as C62 "one" counts pieces
        return value
    source_symbol = UNECE_UNITS.get(source.code or "", source.symbol)
    try:
        return _units.converter(source_symbol, target)(value)
    except _units.UnitError as exc:
        raise UnitMismatch(f"unit {source.symbol or source.code!r} is not convertible to {target!r}") from exc
