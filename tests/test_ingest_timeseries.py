"""The time-series writer (aas_refmodels.ingest.timeseries): IDTA 02008 TimeSeries from records.

Every output is written as AASX in V3.1 and V3.0, validated in every layer (no finding at all), read back
strictly, and its records compared with the input.
"""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from basyx.aas import model

import aas_refmodels
from aas_refmodels import load_model, write
from aas_refmodels.errors import ValuesError
from aas_refmodels.ingest.timeseries import (
    UTC_TIME_SEMANTIC_ID,
    TimeSeriesWriter,
    Variable,
    _duration,
    build_time_series,
    variables_from_spec,
)

KST = datetime.timezone(datetime.timedelta(hours=9))
PATHS = ["ProcessData.CycleCounter", "ProcessData.CycleTime", "ProcessData.ResultEvaluation",
         "ProcessData.MeltTemperature"]
SM_ID = "https://plant.example.kr/imm07/sm/TimeSeries/2026-11-25"


def _records(n: int) -> list[tuple[datetime.datetime, dict[str, Any]]]:
    t0 = datetime.datetime(2026, 11, 25, 8, 15, 2, 120000, tzinfo=KST)
    return [(t0 + datetime.timedelta(seconds=31.5 * i), {
        "ProcessData.CycleCounter": 1000 + i, "ProcessData.CycleTime": 31.5 + i / 100,
        "ProcessData.ResultEvaluation": "OK" if i % 7 else "NotOK",
        "ProcessData.MeltTemperature": None if i % 5 == 3 else f"{230 + i % 3}.5",
        "Remark": f"비고 {i}" if i % 2 else None}) for i in range(n)]


def _variables() -> list[Variable]:
    spec = load_model("injection-molding")
    return [*variables_from_spec(spec, PATHS), Variable("Remark", "xs:string", name={"en": "Remark", "ko": "비고"})]


def _validate_clean(path: Path, schema_dir: Path) -> None:
    report = aas_refmodels.validate(str(path), schema_dir=str(schema_dir))
    assert [str(layer.layer) for layer in report.layers if layer.status == "run"] == [
        "package", "schema", "deserialize", "metamodel", "template"]
    assert [f"{f.code} {f.path}: {f.message}" for f in report.findings] == []


def _by_id_short(collection: Any) -> dict[str, Any]:
    return {e.id_short: e for e in collection.value}


def _submodel(path: Path) -> model.Submodel:
    result = aas_refmodels.read(path)
    sm = result.store.get_item(SM_ID)
    assert isinstance(sm, model.Submodel)
    return sm


@pytest.mark.parametrize("version", ["3.1", "3.0"])
def test_internal_segment_round_trip(tmp_path: Path, schema_dir: Path, version: str) -> None:
    records = _records(25)
    series = build_time_series(records, _variables(), submodel_id=SM_ID, name={"en": "IMM-07 cycles", "ko": "7호기"})
    assert series.segment == "internal" and series.record_count == 25 and series.attachments == {}
    out = write(series.objects(), tmp_path / "ts.aasx", spec_version=version)  # type: ignore[arg-type]
    _validate_clean(out, schema_dir)
    sm = _submodel(out)
    top = {e.id_short: e for e in sm.submodel_element}
    meta = _by_id_short(top["Metadata"])
    assert list(_by_id_short(meta["Record"])) == ["Time01", "UtcTime", "CycleCounter", "CycleTime",
                                                  "ResultEvaluation", "MeltTemperature", "Remark"]
    assert meta["Record"].get_referable("UtcTime").semantic_id.key[0].value == UTC_TIME_SEMANTIC_ID
    segment = _by_id_short(top["Segments"])["InternalSegment01"]
    seg = _by_id_short(segment)
    assert seg["RecordCount"].value == 25
    assert seg["StartTime"].value == records[0][0].isoformat()
    assert seg["EndTime"].value == records[-1][0].isoformat()
    assert seg["Duration"].value == "PT12M36S"
    assert seg["State"].value == "completed"
    got = list(seg["Records"].value)
    assert [r.id_short for r in got[:2]] == ["Record01", "Record02"]
    for (ts, values), rec in zip(records, got, strict=True):
        el = _by_id_short(rec)
        assert el["Time01"].value == int((ts - records[0][0]).total_seconds())
        assert el["UtcTime"].value == ts
        assert el["CycleCounter"].value == values["ProcessData.CycleCounter"]
        assert el["CycleTime"].value == pytest.approx(values["ProcessData.CycleTime"])
        assert el["ResultEvaluation"].value == values["ProcessData.ResultEvaluation"]
        melt = values["ProcessData.MeltTemperature"]
        assert ("MeltTemperature" in el) == (melt is not None)
        if melt is not None:
            assert el["MeltTemperature"].value == float(melt)
        assert ("Remark" in el) == (values["Remark"] is not None)


@pytest.mark.parametrize("version", ["3.1", "3.0"])
def test_external_csv_segment_holds_every_record(tmp_path: Path, schema_dir: Path, version: str) -> None:
    records = _records(40)
    with TimeSeriesWriter(_variables(), submodel_id=SM_ID, max_internal_records=10) as writer:
        for ts, values in records:
            writer.add(ts, values)
        series = writer.finish(state="in progress")
        assert series.segment == "external"
        out = write(series.objects(), tmp_path / "ts.aasx", spec_version=version,  # type: ignore[arg-type]
                    attachments=series.attachments)
    assert not any(Path(p).exists() for p in series.attachments.values() if isinstance(p, Path))  # temp removed
    _validate_clean(out, schema_dir)
    result = aas_refmodels.read(out)
    sm = result.store.get_item(SM_ID)
    top = {e.id_short: e for e in sm.submodel_element}
    seg = _by_id_short(_by_id_short(top["Segments"])["ExternalSegment01"])
    assert seg["RecordCount"].value == 40 and seg["State"].value == "in progress"
    package_path = seg["File"].value
    assert seg["File"].content_type == "text/csv"
    content, _ctype = result.files[package_path]
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert rows[0] == ["Time01", "UtcTime", "CycleCounter", "CycleTime", "ResultEvaluation", "MeltTemperature",
                       "Remark"]
    assert len(rows) == 41
    for (ts, values), row in zip(records, rows[1:], strict=True):
        assert int(row[0]) == int((ts - records[0][0]).total_seconds())
        assert datetime.datetime.fromisoformat(row[1]) == ts
        assert int(row[2]) == values["ProcessData.CycleCounter"]
        assert float(row[3]) == values["ProcessData.CycleTime"]
        assert row[4] == values["ProcessData.ResultEvaluation"]
        melt = values["ProcessData.MeltTemperature"]
        assert row[5] == ("" if melt is None else str(float(melt)))
        assert row[6] == (values["Remark"] or "")


def test_external_parquet_segment(tmp_path: Path, schema_dir: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    records = _records(30)
    series = build_time_series(records, _variables(), submodel_id=SM_ID, max_internal_records=0,
                               external_format="parquet")
    (package_path, data), = series.attachments.items()
    assert package_path.endswith(".parquet") and isinstance(data, bytes)
    out = write(series.objects(), tmp_path / "ts.aasx", attachments=series.attachments)
    _validate_clean(out, schema_dir)
    table = pq.read_table(io.BytesIO(data))
    assert table.column_names[:3] == ["Time01", "UtcTime", "CycleCounter"]
    assert table.column("CycleCounter").to_pylist() == [v["ProcessData.CycleCounter"] for _, v in records]
    assert table.column("MeltTemperature").to_pylist() == [
        None if v["ProcessData.MeltTemperature"] is None else float(v["ProcessData.MeltTemperature"])
        for _, v in records]
    assert table.column("UtcTime").to_pylist() == [ts for ts, _ in records]


def test_no_records_gives_metadata_only(tmp_path: Path, schema_dir: Path) -> None:
    series = build_time_series([], _variables(), submodel_id=SM_ID)
    assert series.segment == "none" and series.record_count == 0
    _validate_clean(write(series.objects(), tmp_path / "ts.aasx"), schema_dir)


def test_naive_timestamps_are_in_the_default_zone() -> None:
    series = build_time_series([("2026-11-25T08:00:00", {"Remark": "a"}), (datetime.datetime(2026, 11, 25, 8, 0, 1),
                                                                           {"Remark": "b"})],
                               [Variable("Remark", "xs:string")], submodel_id=SM_ID)
    assert series.start == datetime.datetime(2026, 11, 25, 8, tzinfo=KST)
    utc = _by_id_short(_by_id_short(_by_id_short({e.id_short: e for e in series.submodel.submodel_element}[
        "Segments"])["InternalSegment01"])["Records"])["Record02"]
    assert _by_id_short(utc)["UtcTime"].value == datetime.datetime(2026, 11, 24, 23, 0, 1, tzinfo=datetime.UTC)


def test_bad_values_name_record_and_key() -> None:
    with TimeSeriesWriter(_variables(), submodel_id=SM_ID) as writer:
        writer.add("2026-11-25T08:00:00+09:00", {"ProcessData.CycleTime": 1.0})
        with pytest.raises(ValuesError) as err:
            writer.add("yesterday", {"ProcessData.CycleTime": "fast", "ProcessData.ResultEvaluation": "Great",
                                     "Nope": 1})
        assert writer.record_count == 1  # nothing of the bad record was added
    paths = [p for p, _ in err.value.problems]
    assert paths == ["record 2: timestamp", "record 2: ProcessData.CycleTime", "record 2: ProcessData.ResultEvaluation",
                     "record 2: Nope"]
    assert "allowed values" in err.value.problems[2][1]


def test_variables_from_spec_rejects_unknown_and_non_property_paths() -> None:
    spec = load_model("injection-molding")
    with pytest.raises(ValuesError) as err:
        variables_from_spec(spec, ["ProcessData.CycleTime", "ProcessData.NoSuchThing", "ProcessData",
                                   "ProcessData.CycleTime", "bad..path"])
    assert {p for p, _ in err.value.problems} == {"ProcessData.NoSuchThing", "ProcessData", "ProcessData.CycleTime",
                                                  "bad..path"}


def test_repeated_elements_get_unique_id_shorts() -> None:
    spec = load_model("injection-molding")
    repeated = [p for p, e in aas_refmodels.build.values.index_spec(spec).items()
                if "[]" in p and e.model_type == "Property" and p.startswith("ProcessData.")]
    assert repeated, "the model has no repeated Property in ProcessData"
    generic = repeated[0]
    paths = [generic.replace("[]", "[0]", 1).replace("[]", "[0]"), generic.replace("[]", "[1]", 1).replace("[]", "[0]")]
    variables = variables_from_spec(spec, paths)
    assert len({v.id_short for v in variables}) == 2
    assert all(v.semantic_id == variables[0].semantic_id for v in variables)


def test_scoped_openness_of_records(tmp_path: Path, schema_dir: Path) -> None:
    """Extra elements are accepted in a Record only: one in Metadata is still reported (TPL005)."""
    series = build_time_series(_records(2), _variables(), submodel_id=SM_ID)
    meta = {e.id_short: e for e in series.submodel.submodel_element}["Metadata"]
    meta.value.add(model.Property("Stray", model.datatypes.String, "x"))
    report = aas_refmodels.validate(str(write(series.objects(), tmp_path / "ts.json")), schema_dir=str(schema_dir))
    assert [(f.code, str(f.path).rsplit(".", 1)[-1]) for f in report.findings] == [("TPL005", "Stray")]


@pytest.mark.parametrize(("seconds", "text"), [(0, "PT0S"), (3, "PT3S"), (3.5, "PT3.5S"), (3600, "PT1H"),
                                               (86400 + 61, "P1DT1M1S"), (90061.25, "P1DT1H1M1.25S")])
def test_duration(seconds: float, text: str) -> None:
    assert _duration(datetime.timedelta(seconds=seconds)) == text
