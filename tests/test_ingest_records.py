"""The fast per-record submodels equal what the normal path (build_instance + the serializer) writes, and bad
tables lose no row (hypothesis)."""

from __future__ import annotations

import csv
import datetime
import functools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aas_refmodels import load_model
from aas_refmodels.build import build_instance
from aas_refmodels.ingest.pipeline import ingest, write_rejects
from aas_refmodels.ingest.records import SubmodelTemplater
from aas_refmodels.io.writer import serialize

ASSET = "https://plant.example.kr/asset/IMM-07"
BASE = {"ProcessData.ProcessType": "InjectionMolding", "ProcessData.JobName": "JOB-1",
        "ProcessData.InjectionUnits[0].Index": 1}
OPTIONAL = {
    "ProcessData.ResultEvaluation": st.sampled_from(["OK", "NotOK"]),
    "ProcessData.MeltTemperature": st.floats(150, 350, allow_nan=False),
    "ProcessData.ClampingForce": st.floats(0, 5000, allow_nan=False),
    "ProcessData.ProducedQuantity": st.integers(0, 8),
    "ProcessData.OperatorId": st.text("가나다ABC123 ", min_size=1, max_size=8),
    "ProcessData.InjectionUnits[0].CushionStroke": st.floats(0, 1e3, allow_nan=False),
    "ProcessData.InjectionUnits[1].Index": st.just(2),
}


@st.composite
def records(draw: Any) -> dict[str, Any]:
    values: dict[str, Any] = dict(BASE)
    values["ProcessData.StartTime"] = draw(st.datetimes(datetime.datetime(2020, 1, 1), datetime.datetime(2030, 1, 1),
                                                        timezones=st.just(datetime.UTC)))
    values["ProcessData.CycleCounter"] = draw(st.integers(0, 2**40))
    values["ProcessData.CycleTime"] = draw(st.floats(0.001, 1e4, allow_nan=False))
    values["ProcessData.InjectionUnits[0].InjectionTime"] = draw(st.floats(0, 100, allow_nan=False))
    values["ProcessData.InjectionUnits[0].DosingTime"] = draw(st.floats(0, 100, allow_nan=False))
    for path, strategy in OPTIONAL.items():
        if draw(st.booleans()):
            values[path] = draw(strategy)
    if "ProcessData.InjectionUnits[1].Index" in values:
        values["ProcessData.InjectionUnits[1].InjectionTime"] = 1.25
        values["ProcessData.InjectionUnits[1].DosingTime"] = 7.5
    return values


@functools.lru_cache(maxsize=1)
def _record_spec() -> Any:
    import dataclasses

    spec = load_model("injection-molding")
    return dataclasses.replace(spec, submodels=(spec.submodel("ProcessData"),))


@pytest.mark.parametrize("version", ["3.1", "3.0"])
@settings(max_examples=20, deadline=None)
@given(batch=st.lists(records(), min_size=1, max_size=5))
def test_templated_submodels_equal_the_builder_and_serializer(version: str, batch: list[dict[str, Any]]) -> None:
    record_spec = _record_spec()
    templater = SubmodelTemplater(record_spec, ASSET, version)  # type: ignore[arg-type]
    for n, values in enumerate(batch):
        sm_id = f"{ASSET}/sm/ProcessData/{n}"
        fast = json.loads(templater.json_text(values, sm_id))
        built = build_instance(record_spec, values, asset_id=ASSET, submodel_ids={"ProcessData": sm_id})
        normal = json.loads(serialize(built.submodels, "json", version))["submodels"][0]  # type: ignore[arg-type]
        assert fast == normal
    assert templater.fast >= 1 and templater.slow == 0  # the template path was taken, not the fallback


def test_a_shape_with_other_leaves_falls_back_to_the_normal_path() -> None:
    record_spec = _record_spec()
    templater = SubmodelTemplater(record_spec, ASSET)
    values = {**BASE, "ProcessData.StartTime": "2026-11-25T08:00:00+09:00", "ProcessData.CycleCounter": 1,
              "ProcessData.CycleTime": 30.0, "ProcessData.InjectionUnits[0].InjectionTime": 1.0,
              "ProcessData.InjectionUnits[0].DosingTime": 9.0,
              "ProcessData.PressureCurve[0]": "submodel:https://plant.example.kr/ts/1"}
    text = templater.json_text(values, "urn:x")
    built = build_instance(record_spec, values, asset_id=ASSET, submodel_ids={"ProcessData": "urn:x"})
    assert json.loads(text) == json.loads(serialize(built.submodels, "json"))["submodels"][0]
    assert (templater.fast, templater.slow) == (0, 1)


# ------------------------------------------------------------------------------------------- bad tables

MAPPING = {
    "timestamp": "time", "record_key": "shot", "absent": ["", "-"],
    "columns": {"time": {"path": "ProcessData.StartTime"}, "shot": {"path": "ProcessData.CycleCounter"},
                "ct_ms": {"path": "ProcessData.CycleTime", "unit": "ms"},
                "melt": {"path": "ProcessData.MeltTemperature", "unit": "degF"},
                "judge": {"path": "ProcessData.ResultEvaluation", "values": {"OK": "OK", "NG": "NotOK"}},
                "note": {"ignore": True}},
    "constants": {"ProcessData.ProcessType": "InjectionMolding", "ProcessData.JobName": "J",
                  "ProcessData.InjectionUnits[0].Index": 1, "ProcessData.InjectionUnits[0].InjectionTime": 1.5,
                  "ProcessData.InjectionUnits[0].DosingTime": 9.0}}
GOOD = {"time": st.integers(0, 10**6).map(lambda s: (datetime.datetime(2026, 11, 25) + datetime.timedelta(seconds=s))
                                          .strftime("%Y-%m-%d %H:%M:%S")),
        "ct_ms": st.integers(1, 10**6).map(str), "melt": st.one_of(st.just("-"), st.floats(300, 600).map(repr)),
        "judge": st.sampled_from(["OK", "NG"]), "note": st.text(max_size=5)}
BAD = {"time": st.sampled_from(["25/11/2026", "soon", "2026-13-01 00:00:00"]),
       "ct_ms": st.sampled_from(["fast", "1e400", "12,5,3", "--1"]), "melt": st.sampled_from(["hot", "nan?"]),
       "judge": st.sampled_from(["??", "maybe"]), "shot": st.sampled_from(["-5", "x1", "1.5"])}


@st.composite
def tables(draw: Any) -> tuple[list[dict[str, str]], set[tuple[int, str]]]:
    rows, bad = [], set()
    for i in range(draw(st.integers(1, 12))):
        row = {c: draw(s) for c, s in GOOD.items()}
        row["shot"] = str(i + 1)
        for column in draw(st.sets(st.sampled_from(sorted(BAD)), max_size=3)):
            row[column] = draw(BAD[column])
            bad.add((i + 2, column))
        rows.append(row)
    return rows, bad


@settings(max_examples=15, deadline=None)
@given(table=tables(), as_=st.sampled_from(["records", "timeseries"]))
def test_bad_cells_are_all_reported_and_rows_are_conserved(tmp_path_factory: Any, table: Any, as_: str) -> None:
    rows, bad = table
    tmp = tmp_path_factory.mktemp("t")
    numbered = [(i + 2, row, None) for i, row in enumerate(rows)]  # header is row 1
    spec = load_model("injection-molding")
    summary = ingest(spec, numbered, MAPPING, output=tmp / "o.json", as_=as_, on_error="skip")  # type: ignore[arg-type]
    assert summary.read == len(rows) == summary.written + summary.rejected
    assert {(p.row, p.column) for p in summary.problems} == bad
    assert summary.rejected == len({r for r, _ in bad})
    assert all(p.path and p.reason for p in summary.problems)
    written = json.loads((tmp / "o.json").read_text(encoding="utf-8"))
    if as_ == "records":
        assert sum(1 for sm in written.get("submodels", []) if sm["idShort"] == "ProcessData") == summary.written
    rejects = write_rejects(summary.rejects, [*GOOD, "shot"], tmp / "o.rejects.csv")
    back = list(csv.DictReader(rejects.open(encoding="utf-8-sig", newline="")))
    assert len(back) == summary.rejected
    for rejected, line in zip(summary.rejects, back, strict=True):
        assert {k: line[k] for k in rejected.raw} == rejected.raw and line["reason"]


@settings(max_examples=8, deadline=None)
@given(table=tables())
def test_on_error_fail_writes_nothing(tmp_path_factory: Any, table: Any) -> None:
    from aas_refmodels.ingest.pipeline import IngestError

    rows, bad = table
    tmp = tmp_path_factory.mktemp("t")
    spec = load_model("injection-molding")
    if not bad:
        ingest(spec, rows, MAPPING, output=tmp / "o.aasx", as_="records")
        assert [p.name for p in tmp.iterdir()] == ["o.aasx"]
        return
    with pytest.raises(IngestError) as err:
        ingest(spec, rows, MAPPING, output=tmp / "o.aasx", as_="records")
    assert len(err.value.problems) == len(bad)
    assert list(tmp.iterdir()) == []


def test_unit_conversion_and_absent_markers(tmp_path: Path) -> None:
    rows = [{"time": "2026-11-25 08:00:00", "shot": "7", "ct_ms": "31500", "melt": "446", "judge": "NG", "note": ""}]
    summary = ingest(load_model("injection-molding"), rows, MAPPING, output=tmp_path / "o.json", as_="records")
    sm = json.loads((tmp_path / "o.json").read_text(encoding="utf-8"))["submodels"][0]
    values = {e["idShort"]: e.get("value") for e in sm["submodelElements"]}
    assert summary.written == 1
    assert float(values["CycleTime"]) == pytest.approx(31.5)
    assert float(values["MeltTemperature"]) == pytest.approx((446 - 32) * 5 / 9)
    assert values["ResultEvaluation"] == "NotOK"
    assert values["StartTime"] == "2026-11-25T08:00:00+09:00"
