"""aasref ingest: fixtures (CP949 CSV with Korean headers, xlsx, JSON Lines) -> AAS -> validate -> read back.

The expected values are computed independently of the ingest code: cells parsed here and converted with pint
directly into the model's unit.
"""

from __future__ import annotations

import csv
import datetime
import json
import zoneinfo
from pathlib import Path
from typing import Any

import pint
import pytest
import yaml
from basyx.aas import model

import aas_refmodels
from aas_refmodels import load_model
from aas_refmodels.build import values as V
from aas_refmodels.ingest import open_table
from aas_refmodels.ingest.pipeline import ingest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "examples" / "ingest"
INPUTS = {"injection-molding": "injection-molding.csv", "machining": "machining.xlsx", "welding": "welding.jsonl"}
ASSET = "https://plant.example.kr/asset/line-3"
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
UREG = pint.UnitRegistry()
UNIT_NAMES = {"°C": "degC", "1/min": "1/minute", "rpm": "1/minute", "r/min": "1/minute", "min⁻¹": "1/minute",
              "pcs": None, "piece": None, "%": "percent", "l/min": "liter/minute",
              "cm/min": "centimeter/minute"}


def _pint_unit(symbol: str) -> Any:
    return UREG.parse_units(UNIT_NAMES.get(symbol, symbol))


def expected_values(model_name: str) -> list[tuple[str, dict[str, Any]]]:
    """(record key, {path: expected value}) for every row of a fixture, computed here from the raw cells."""
    spec = load_model(model_name)
    index = V.index_spec(spec)
    doc = yaml.safe_load((FIXTURES / f"{model_name}.map.yaml").read_text(encoding="utf-8"))
    absent = set(doc.get("absent") or ["", "NA", "N/A", "n/a", "-", "null", "NULL", "None"])
    out = []
    with open_table(FIXTURES / INPUTS[model_name], sheet=doc.get("sheet")) as table:
        for _n, raw, _p in table.rows():
            values: dict[str, Any] = {}
            for column, rule in doc["columns"].items():
                if rule.get("ignore") or not rule.get("path"):
                    continue
                cell = raw.get(column)
                if cell is None or (isinstance(cell, str) and cell.strip() in absent):
                    continue
                e = index[V.generic(rule["path"])]
                if "values" in rule:
                    cell = rule["values"].get(str(cell), cell)
                if e.value_type == "xs:dateTime":
                    ts = cell if isinstance(cell, datetime.datetime) else (
                        datetime.datetime.strptime(cell, rule["format"]) if "format" in rule
                        else datetime.datetime.fromisoformat(cell))
                    values[rule["path"]] = ts if ts.tzinfo else ts.replace(tzinfo=SEOUL)
                elif e.value_type in ("xs:double", "xs:decimal") and rule.get("unit") and e.unit and \
                        UNIT_NAMES.get(e.unit, "") is not None:
                    q = UREG.Quantity(float(cell), _pint_unit(rule["unit"]))
                    values[rule["path"]] = q.to(_pint_unit(e.unit)).magnitude
                elif e.value_type in ("xs:double", "xs:decimal"):
                    values[rule["path"]] = float(cell)
                elif e.value_type and e.value_type.startswith(("xs:unsigned", "xs:int", "xs:long")):
                    values[rule["path"]] = int(float(cell))
                else:
                    values[rule["path"]] = str(cell)
            key = raw[doc["record_key"]]
            out.append((str(int(key)) if isinstance(key, float) else str(key), values))
    return out


def _flat(elements: Any, prefix: str) -> dict[str, Any]:
    """Value paths of a read-back submodel (repeated Name01 -> Name[0], list items by position)."""
    out: dict[str, Any] = {}
    for i, el in enumerate(elements):
        name = el.id_short
        if name is None or name.startswith("generated_submodel_list_hack"):  # basyx names list items so
            path = f"{prefix}[{i}]"
        elif name[-2:].isdigit() and not name.startswith("Time"):
            path = f"{prefix}.{name.rstrip('0123456789')}[{int(name[-2:]) - 1}]"
        else:
            path = f"{prefix}.{name}"
        if isinstance(el, model.Property):
            out[path] = el.value
        elif isinstance(el, (model.SubmodelElementCollection, model.SubmodelElementList)):
            out.update(_flat(el.value, path))
    return out


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, float):
        return got == pytest.approx(want, rel=1e-9)
    if isinstance(want, datetime.datetime):  # basyx's reader parses fractional seconds via a float (±1 µs)
        return isinstance(got, datetime.datetime) and abs(got - want) <= datetime.timedelta(microseconds=1)
    return str(got) == str(want)


def _validate_clean(path: Path, schema_dir: Path) -> None:
    report = aas_refmodels.validate(str(path), schema_dir=str(schema_dir))
    assert [str(x.layer) for x in report.layers if x.status == "run"][-3:] == ["deserialize", "metamodel", "template"]
    assert [f"{f.code} {f.path}: {f.message}" for f in report.findings] == []


CASES = [("injection-molding", "records", "3.1", "aasx"), ("injection-molding", "timeseries", "3.0", "aasx"),
         ("machining", "timeseries", "3.1", "aasx"), ("welding", "records", "3.0", "json"),
         # the other combinations (each output kind and version is covered above): long, behind -m slow
         pytest.param("machining", "records", "3.0", "json", marks=pytest.mark.slow),
         pytest.param("welding", "timeseries", "3.0", "json", marks=pytest.mark.slow)]


@pytest.mark.parametrize(("model_name", "as_", "version", "fmt"), CASES)
def test_fixture_round_trip(tmp_path: Path, schema_dir: Path, model_name: str, as_: str, version: str,
                            fmt: str) -> None:
    spec = load_model(model_name)
    doc = yaml.safe_load((FIXTURES / f"{model_name}.map.yaml").read_text(encoding="utf-8"))
    out = tmp_path / f"out.{fmt}"
    with open_table(FIXTURES / INPUTS[model_name], sheet=doc.get("sheet")) as table:
        summary = ingest(spec, table.rows(), FIXTURES / f"{model_name}.map.yaml", output=out, as_=as_,  # type: ignore[arg-type]
                         asset_id=ASSET, spec_version=version)  # type: ignore[arg-type]
    assert (summary.read, summary.written, summary.rejected) == (200, 200, 0)
    assert summary.outputs == [out] and sorted(p.name for p in tmp_path.iterdir()) == [out.name]
    _validate_clean(out, schema_dir)
    store = aas_refmodels.read(out).store
    expected = expected_values(model_name)
    constants = doc.get("constants") or {}
    if as_ == "records":
        for key, values in expected:
            sm = store.get_item(f"{ASSET}/sm/ProcessData/{key}")
            got = _flat(sm.submodel_element, "ProcessData")
            for path, want in {**values, **constants}.items():
                assert _same(got[path], want), (key, path, got[path], want)
            assert set(got) == set(values) | set(constants)
    else:
        ts = store.get_item(f"{ASSET}/sm/TimeSeries")
        segment = next(iter(ts.get_referable("Segments").value))
        records = list(segment.get_referable("Records").value)
        assert len(records) == 200
        variables = {e.id_short: e for e in ts.get_referable("Metadata").get_referable("Record").value}
        by_id = {v.id_short: p for p in expected[0][1] for v in [variables.get(p.rsplit(".", 1)[-1].split("[")[0])]
                 if v is not None}
        for (_key, values), rec in zip(expected, records, strict=True):
            cells = {e.id_short: e.value for e in rec.value}
            for id_short, path in by_id.items():
                if path in values:
                    assert _same(cells[id_short], values[path]), (id_short, cells[id_short], values[path])
        latest = _flat(store.get_item(f"{ASSET}/sm/ProcessData").submodel_element, "ProcessData")
        for path, want in expected[-1][1].items():
            assert _same(latest[path], want)
        kpis = store.get_item(f"{ASSET}/sm/ManufacturingKPIs") if any(
            sm.id_short == "ManufacturingKPIs" for sm in store) else None
        if model_name == "injection-molding":  # produced and scrap quantities and cycle times are mapped
            assert kpis is not None
            ratio = kpis.get_referable("ScrapRatio").value
            scrap = sum(v.get("ProcessData.ScrapQuantity", 0) for _, v in expected)
            produced = sum(v["ProcessData.ProducedQuantity"] for _, v in expected)
            assert float(ratio) == pytest.approx(scrap / produced)


def test_split_writes_one_package_per_n_records(tmp_path: Path, schema_dir: Path) -> None:
    spec = load_model("welding")
    with open_table(FIXTURES / "welding.jsonl") as table:
        summary = ingest(spec, table.rows(), FIXTURES / "welding.map.yaml", output=tmp_path / "w.aasx",
                         as_="records", split=64, asset_id=ASSET)
    assert [p.name for p in summary.outputs] == ["w-0001.aasx", "w-0002.aasx", "w-0003.aasx", "w-0004.aasx"]
    counts = [sum(1 for sm in aas_refmodels.read(p).store if getattr(sm, "id_short", "") == "ProcessData")
              for p in summary.outputs]
    assert counts == [64, 64, 64, 8]
    _validate_clean(summary.outputs[-1], schema_dir)


def test_library_takes_plain_dicts_and_mapping_dicts(tmp_path: Path) -> None:
    """``aas_refmodels.ingest(spec, rows, mapping)`` with a DataFrame-like list of dicts and a mapping dict."""
    spec = load_model("welding")
    rows = [{"t": f"2026-11-25T08:00:{i:02d}", "I": 230 + i, "id": f"J{i}"} for i in range(5)]
    mapping = {"record_key": "id", "timestamp": "t", "columns": {
        "t": {"path": "ProcessData.StartTime"}, "I": {"path": "ProcessData.WeldingCurrent", "unit": "kA"}},
        "constants": {"ProcessData.ProcessType": "Welding", "ProcessData.WeldingProcessNumber": "135"}}
    summary = aas_refmodels.ingest(spec, rows, mapping, output=tmp_path / "w.json", as_="records")
    assert (summary.read, summary.written) == (5, 5)
    env = json.loads((tmp_path / "w.json").read_text(encoding="utf-8"))
    first = next(sm for sm in env["submodels"] if sm["id"].endswith("/ProcessData/J0"))
    current = next(e for e in first["submodelElements"] if e["idShort"] == "WeldingCurrent")
    assert float(current["value"]) == 230_000.0  # kA -> A
    start = next(e for e in first["submodelElements"] if e["idShort"] == "StartTime")
    assert start["value"] == "2026-11-25T08:00:00+09:00"  # naive -> Asia/Seoul


def test_recipe_gives_process_parameters_once(tmp_path: Path, schema_dir: Path) -> None:
    spec = load_model("injection-molding")
    # the example's whole values file: its ProcessData part is not used (filled per record), with a note
    recipe = json.loads((ROOT / "examples" / "injection-molding" / "values.json").read_text(encoding="utf-8"))
    with open_table(FIXTURES / "injection-molding.csv") as table:
        rows = [r for i, r in enumerate(table.rows()) if i < 20]
    summary = ingest(spec, rows, FIXTURES / "injection-molding.map.yaml", output=tmp_path / "im.aasx",
                     as_="records", recipe=recipe, asset_id=ASSET,
                     attachments_dir=ROOT / "examples" / "injection-molding")
    assert summary.written == 20
    assert len(summary.notes) == 1 and "ProcessData" in summary.notes[0]
    store = aas_refmodels.read(tmp_path / "im.aasx").store
    assert sum(1 for sm in store if getattr(sm, "id_short", "") == "ProcessParameters") == 1
    assert sum(1 for sm in store if getattr(sm, "id_short", "") == "ProcessData") == 20
    _validate_clean(tmp_path / "im.aasx", schema_dir)


def test_rejects_file_keeps_original_columns(tmp_path: Path) -> None:
    from aas_refmodels.ingest.pipeline import write_rejects

    src = tmp_path / "in.csv"
    src.write_text("일시,샷번호,사이클타임(s),판정\n2026-11-25 08:00:00,1,31.5,OK\n2026-11-25 08:00:31,2,빠름,OK\n"
                   "2026-11-25 08:01:02,3,31.4,??\n", encoding="cp949")
    mapping = {"timestamp": "일시", "record_key": "샷번호", "columns": {
        "일시": {"path": "ProcessData.StartTime"}, "샷번호": {"path": "ProcessData.CycleCounter"},
        "사이클타임(s)": {"path": "ProcessData.CycleTime", "unit": "s"},
        "판정": {"path": "ProcessData.ResultEvaluation", "values": {"OK": "OK", "NG": "NotOK"}}},
        "constants": {"ProcessData.ProcessType": "InjectionMolding", "ProcessData.JobName": "J",
                      "ProcessData.InjectionUnits[0].Index": 1, "ProcessData.InjectionUnits[0].InjectionTime": 1.5,
                      "ProcessData.InjectionUnits[0].DosingTime": 9.0}}
    spec = load_model("injection-molding")
    with open_table(src) as table:
        summary = ingest(spec, table.rows(), mapping, output=tmp_path / "o.aasx", on_error="skip")
        columns = table.columns
    assert (summary.read, summary.written, summary.rejected) == (3, 1, 2)
    assert [(p.row, p.column, p.path) for p in summary.problems] == [
        (3, "사이클타임(s)", "ProcessData.CycleTime"), (4, "판정", "ProcessData.ResultEvaluation")]
    rejects = write_rejects(summary.rejects, columns, tmp_path / "o.rejects.csv")
    rows = list(csv.reader(rejects.open(encoding="utf-8-sig")))
    assert rows[0] == ["일시", "샷번호", "사이클타임(s)", "판정", "reason"]
    assert rows[1][:4] == ["2026-11-25 08:00:31", "2", "빠름", "OK"] and "not a number" in rows[1][4]
    assert rows[2][3] == "??" and "value map" in rows[2][4]


def test_iterators_yield_records_and_submodels() -> None:
    from aas_refmodels.ingest import check_rows, iter_submodels

    spec = load_model("welding")
    rows = [{"t": "2026-11-25T08:00:00", "I": "231", "id": "J1"}, {"t": "x", "I": "hot", "id": "J2"}]
    mapping = {"record_key": "id", "timestamp": "t", "columns": {
        "t": {"path": "ProcessData.StartTime"}, "I": {"path": "ProcessData.WeldingCurrent", "unit": "A"}},
        "constants": {"ProcessData.ProcessType": "Welding", "ProcessData.WeldingProcessNumber": "135"}}
    checked = list(check_rows(spec, rows, mapping))
    assert checked[0].values["ProcessData.WeldingCurrent"] == 231.0  # type: ignore[union-attr]
    assert [p.column for p in checked[1].problems] == ["t", "I"]  # type: ignore[union-attr]
    first, second = iter_submodels(spec, rows, mapping, asset_id=ASSET)
    record, submodels = first  # type: ignore[misc]
    assert record.key == "J1" and [sm.id for sm in submodels] == [f"{ASSET}/sm/ProcessData/J1"]
    assert second.row == 2  # type: ignore[union-attr]


@pytest.mark.parametrize("as_", ["records", "timeseries"])
def test_no_good_row_still_gives_a_valid_file(tmp_path: Path, schema_dir: Path, as_: str) -> None:
    spec = load_model("welding")
    rows = [{"time": "never", "weld_id": "W1"}]
    summary = ingest(spec, rows, FIXTURES / "welding.map.yaml", output=tmp_path / "o.json", as_=as_,  # type: ignore[arg-type]
                     on_error="skip")
    assert (summary.read, summary.written, summary.rejected) == (1, 0, 1)
    report = aas_refmodels.validate(str(tmp_path / "o.json"), schema_dir=str(schema_dir))
    assert report.ok and list(report.findings) == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_series_file_beside_a_json_or_xml_output(tmp_path: Path, schema_dir: Path, fmt: str) -> None:
    """JSON and XML carry no files: the ExternalSegment's file is written beside them, referenced relatively."""
    spec = load_model("welding")
    with open_table(FIXTURES / "welding.jsonl") as table:
        rows = [r for i, r in enumerate(table.rows()) if i < 30]
    summary = ingest(spec, rows, FIXTURES / "welding.map.yaml", output=tmp_path / f"w.{fmt}",
                     max_internal_records=10)
    assert sorted(p.name for p in summary.outputs) == sorted([f"w.{fmt}", "w.timeseries.csv"])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f"w.{fmt}", "w.timeseries.csv"])
    assert len((tmp_path / "w.timeseries.csv").read_text(encoding="utf-8").splitlines()) == 31
    ts = aas_refmodels.read(tmp_path / f"w.{fmt}").store.get_item(f"{spec.base_iri}ids/asset/welding/ingest/sm/TimeSeries")
    segment = next(iter(ts.get_referable("Segments").value))
    assert segment.get_referable("File").value == "w.timeseries.csv"
    report = aas_refmodels.validate(str(tmp_path / f"w.{fmt}"), schema_dir=str(schema_dir))
    assert report.ok and list(report.findings) == []
