"""The shared unit layer (``aas_refmodels.units``) reads every unit symbol of the models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aas_refmodels import units
from aas_refmodels.collect import units as collect_units
from aas_refmodels.ingest import units as ingest_units

pytest.importorskip("pint")

TABLE = json.loads((Path(__file__).resolve().parent.parent / "models" / "_units.json").read_text(encoding="utf-8"))
UNITS = [(u["symbol"], u["code"]) for u in TABLE["units"]]


@pytest.mark.parametrize(("symbol", "code"), UNITS, ids=[s for s, _ in UNITS])
def test_every_model_unit_parses_and_agrees_with_its_unece_code(symbol: str, code: str) -> None:
    unit = units.parse(symbol)
    assert units.converter(symbol, symbol)(2.5) == 2.5
    if code in collect_units.UNECE_UNITS:  # the collect table knows the code: same dimension, factor 1
        expr = collect_units.UNECE_UNITS[code]
        assert units.parse(expr).dimensionality == unit.dimensionality, (symbol, code, expr)
        assert units.converter(expr, symbol)(1.0) == pytest.approx(1.0), (symbol, code, expr)
        assert collect_units.convert(7.0, collect_units.SourceUnit(symbol, code), symbol) == pytest.approx(7.0)


def test_spellings_of_the_same_unit() -> None:
    assert units.parse("r/min") == units.parse("rpm") == units.parse("min⁻¹") == units.parse("1/min")
    assert units.parse("piece") == units.parse("pcs") == units.parse("개")
    assert units.parse("N·m") == units.parse("Nm") == units.parse("N*m")
    assert units.converter("r/s", "r/min")(2.0) == pytest.approx(120.0)
    assert units.converter("kW·h", "kJ")(1.0) == pytest.approx(3600.0)


def test_units_that_do_not_convert() -> None:
    assert not units.compatible("piece", "%")       # a count is no fraction
    assert not units.compatible("r/min", "mm/min")
    with pytest.raises(units.UnitError, match="unknown unit"):
        units.parse("blorp/min")
    assert not units.known("")


def test_model_c_is_the_coulomb_a_plant_column_c_is_celsius() -> None:
    assert units.compatible("C", "A·h")                        # models: C = coulomb
    assert ingest_units.converter("C", "°C")(21.5) == 21.5     # a column headed 온도(C)
    assert collect_units.parse("no such unit") is None
