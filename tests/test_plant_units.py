"""Plant units (models/_units.json "plant"): A/dm², kJ/mm, bar·s are read, converted, shown and defined; units
without a Rec. 20 code ("exceptions") parse; every gas flow says its reference conditions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from aas_refmodels import units
from aas_refmodels.cli import main
from aas_refmodels.ingest import check_rows, open_table
from aas_refmodels.ingest import units as ingest_units
from aas_refmodels.ingest.draft import draft
from aas_refmodels.spec import ElementSpec, available_models, load_model
from aas_refmodels.spec.loader import plant_units

pytest.importorskip("pint")

TABLE = json.loads((Path(__file__).resolve().parent.parent / "models" / "_units.json").read_text(encoding="utf-8"))
PLANT = [(u["symbol"], p) for u in TABLE["units"] for p in u.get("plant", [])]
SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def _factor(text: str) -> float:
    """``100`` / ``10⁶`` / ``0.9934`` -> a number."""
    m = re.fullmatch(r"10([⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)", text)
    return 10.0 ** int(m.group(1).translate(SUPERSCRIPT)) if m else float(text)


def _stated(text: str, plant: str, unit: str) -> float | None:
    """The factor a text states as ``1 <plant> = <factor> <unit>``, or None."""
    m = re.search(rf"1 {re.escape(plant)} = ([0-9.]+|10[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+) {re.escape(unit)}(?![\w/²³])", text)
    return _factor(m.group(1)) if m else None


def _elements() -> list[tuple[str, ElementSpec]]:
    out = []
    for model, version in available_models():
        spec = load_model(model, version)
        found = [e for _, e in spec.walk()] + [e for top in spec.technical_properties for _, e in top.walk()]
        out += [(model, e) for e in found]
    return out


@pytest.mark.parametrize(("unit", "plant"), PLANT, ids=[p["symbol"] for _, p in PLANT])
def test_plant_units_convert_to_the_model_unit_by_the_factor_they_state(unit: str, plant: dict) -> None:
    factor = units.converter(plant["symbol"], unit)(1.0)
    assert _stated(plant["reason"], plant["symbol"], unit) == pytest.approx(factor)
    for spelling in plant["spellings"]:
        assert units.converter(spelling, unit)(1.0) == pytest.approx(factor)
        assert ingest_units.unit_in_header(f"header ({spelling})") == ("header", spelling)
    assert plant_units()[unit] == tuple(p["symbol"] for p in next(u for u in TABLE["units"]
                                                                  if u["symbol"] == unit)["plant"])


def test_every_element_in_a_plant_unit_states_the_conversion_in_en_and_ko() -> None:
    checked = set()
    for model, e in _elements():
        for plant in plant_units().get(e.unit or "", ()):
            factor = units.converter(plant, e.unit or "")(1.0)
            for lang in ("en", "ko"):
                stated = _stated(e.definition[lang], plant, e.unit or "")
                assert stated == pytest.approx(factor), (model, e.id_short, lang, e.definition[lang])
            checked.add(f"{model}:{e.id_short}")
    assert {"surface-treatment:CurrentDensity", "surface-treatment:CurrentDensitySetpoint", "welding:HeatInput",
            "injection-molding:InjectionPressureIntegral"} <= checked


def test_the_conversion_check_fails_on_a_wrong_factor() -> None:
    assert _stated("(1 kJ/mm = 10⁶ J/m)", "kJ/mm", "J/m") == 1e6
    assert _stated("(1 kJ/mm = 10³ J/m)", "kJ/mm", "J/m") == 1e3  # stated, and != the pint factor 1e6
    assert _stated("1 A/dm² = 100 A/m²", "A/dm²", "A/m") is None  # A/m is no A/m²
    assert _stated("heat input in kJ/mm", "kJ/mm", "J/m") is None


@pytest.mark.parametrize("exception", TABLE["exceptions"], ids=[x["symbol"] for x in TABLE["exceptions"]])
def test_units_without_a_code_parse(exception: dict) -> None:
    unit = units.parse(exception["symbol"])
    assert units.converter(exception["symbol"], exception["symbol"])(3.0) == 3.0
    assert not units.compatible(exception["symbol"], "1")  # a real unit, not a plain number
    assert str(unit)


def test_exception_spellings() -> None:
    assert units.converter("atm^-1/2", "bar^-1/2")(1.0) == pytest.approx(1.01325 ** -0.5)
    assert units.parse("bar⁻¹ᐟ²") == units.parse("bar^-1/2")
    assert units.parse("meq/100 g") == units.parse("mval/100 g") == units.parse("meq/hg")
    assert units.converter("meq/100 g", "eq/kg")(30.0) == pytest.approx(0.3)
    assert not units.compatible("GU", "%")
    with pytest.raises(units.UnitError, match="unknown unit 'meq/100 kg'"):
        units.parse("meq/100 kg")


# --- ingest: a CP949 plant table in plant units ---------------------------------------------------------------

def _table(path: Path, text: str) -> tuple[list[str], list[dict]]:
    path.write_bytes(text.replace("\n", "\r\n").encode("cp949"))
    with open_table(path) as table:
        assert table.encoding == "cp949"
        return list(table.columns), [row for _n, row, _problem in table.rows()]


@pytest.mark.parametrize(("header", "unit"), [("전류밀도 [A/dm²]", "A/dm²"), ("Current density (ASD)", "ASD"),
                                              ("전류밀도(ASD)", "ASD")])
def test_ingest_plating_current_density_in_asd(tmp_path: Path, header: str, unit: str) -> None:
    spec = load_model("surface-treatment")
    columns, rows = _table(tmp_path / "bath.csv", f"일시,욕,{header}\n2026-11-25 08:00:00,Zn-Ni,2.5\n"
                                                   "2026-11-25 08:40:00,Zn-Ni,1.75\n")
    doc, _ = draft(spec, columns, rows)
    assert doc["columns"][header]["path"] == "ProcessData.Baths[0].CurrentDensity"
    assert doc["columns"][header]["unit"] == unit
    doc["columns"]["욕"] = {"path": "ProcessData.Baths[0].BathName"}
    doc.setdefault("constants", {})["ProcessData.Baths[0].Sequence"] = 1
    records = list(check_rows(spec, rows, doc))
    values = [r.values["ProcessData.Baths[0].CurrentDensity"] for r in records]  # type: ignore[union-attr]
    assert values == pytest.approx([250.0, 175.0])  # 1 A/dm² = 100 A/m²


@pytest.mark.parametrize("header", ["Heat input [kJ/mm]", "입열량(kJ/mm)"])
def test_ingest_welding_heat_input_in_kj_per_mm(tmp_path: Path, header: str) -> None:
    spec = load_model("welding")
    columns, rows = _table(tmp_path / "wps.csv", f"일시,{header}\n2026-11-25 08:00:00,0.71\n"
                                                 "2026-11-25 08:01:00,1.2\n")
    doc, _ = draft(spec, columns, rows)
    assert doc["columns"][header] == {**doc["columns"][header], "path": "ProcessData.HeatInput", "unit": "kJ/mm"}
    records = list(check_rows(spec, rows, doc))
    assert [r.values["ProcessData.HeatInput"] for r in records] == pytest.approx([710000.0, 1.2e6])  # type: ignore[union-attr]


def test_ingest_pressure_integral_in_bar_s(tmp_path: Path) -> None:
    spec = load_model("injection-molding")
    columns, rows = _table(tmp_path / "imm.csv", "일시,사출압력 적분값(bar·s)\n2026-11-25 08:00:00,1170\n")
    doc, _ = draft(spec, columns, rows)
    entry = doc["columns"]["사출압력 적분값(bar·s)"]
    assert (entry["path"], entry["unit"]) == ("ProcessData.InjectionUnits[0].InjectionPressureIntegral", "bar·s")
    doc.setdefault("constants", {}).update({"ProcessData.InjectionUnits[0].Index": 1,
                                            "ProcessData.InjectionUnits[0].InjectionTime": 1.38,
                                            "ProcessData.InjectionUnits[0].DosingTime": 9.0})
    records = list(check_rows(spec, rows, doc))
    assert records[0].values[entry["path"]] == pytest.approx(1.17e8)  # type: ignore[union-attr]  # 1 bar·s = 10⁵ Pa·s


def test_map_init_cli_takes_the_plant_unit_from_a_cp949_header(tmp_path: Path) -> None:
    src = tmp_path / "bath.csv"
    src.write_bytes("일시,전류밀도(ASD)\r\n2026-11-25 08:00:00,2.5\r\n".encode("cp949"))
    out = tmp_path / "map.yaml"
    result = CliRunner().invoke(main, ["map", "init", "surface-treatment", "--from", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert doc["encoding"] == "cp949"
    assert doc["columns"]["전류밀도(ASD)"]["path"] == "ProcessData.Baths[0].CurrentDensity"
    assert doc["columns"]["전류밀도(ASD)"]["unit"] == "ASD"


def test_show_prints_the_plant_unit_next_to_the_model_unit() -> None:
    result = CliRunner().invoke(main, ["show", "surface-treatment"])
    assert result.exit_code == 0
    line = next(x for x in result.output.splitlines() if "── CurrentDensity " in x)
    assert "[A/m²; plant unit A/dm²]" in line
    result = CliRunner().invoke(main, ["show", "welding", "--lang", "ko"])
    assert "[J/m; 현장 단위 kJ/mm]" in next(x for x in result.output.splitlines() if "── HeatInput " in x)
    result = CliRunner().invoke(main, ["show", "injection-molding", "--paths"])
    assert "[Pa·s; plant unit bar·s]" in next(x for x in result.output.splitlines() if "PressureIntegral" in x)
    result = CliRunner().invoke(main, ["show", "painting"])
    assert "[GU]" in next(x for x in result.output.splitlines() if "── Gloss " in x)


# --- gas flows state their reference conditions -------------------------------------------------------------

def test_every_gas_volume_flow_says_normal_or_actual_conditions() -> None:
    volume_flow = units.parse("m³/h").dimensionality
    gas = re.compile(r"\b(gas|air|atmosphere|nitrogen|argon|ammonia)\b", re.IGNORECASE)
    checked = []
    for model, e in _elements():
        if not e.unit or units.parse(e.unit).dimensionality != volume_flow:
            continue
        if not gas.search(f"{e.name['en']} {e.definition['en']}"):
            continue
        en, ko = e.definition["en"], e.definition["ko"]
        assert "normal conditions (DIN 1343: 0 °C, 1013.25 hPa" in en or "actual conditions" in en, (model, e.id_short)
        assert "표준 상태(DIN 1343: 0 °C, 1013.25 hPa)" in ko or "실제 상태" in ko, (model, e.id_short)
        checked.append(f"{model}:{e.id_short}")
    assert {"heat-treatment:Flow", "heat-treatment:FlowSetpoint", "welding:GasFlowRate", "welding:GasFlowRateSetpoint",
            "painting:ShapingAirFlow", "painting:ShapingAirFlowSetpoint"} <= set(checked)


@given(x=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
@settings(max_examples=60, deadline=None)
def test_plant_units_round_trip(x: float) -> None:
    for unit, plant in PLANT:
        there = units.converter(plant["symbol"], unit)(x)
        assert units.converter(unit, plant["symbol"])(there) == pytest.approx(x, rel=1e-12, abs=1e-9)
