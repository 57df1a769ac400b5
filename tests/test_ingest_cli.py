"""CLI: aasref ingest / map init / show --paths; mapping-file errors located; encodings; units."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from aas_refmodels import load_model
from aas_refmodels.cli import main
from aas_refmodels.ingest import paths as P
from aas_refmodels.ingest import units as U
from aas_refmodels.ingest.mapping import MappingError, load_mapping
from aas_refmodels.ingest.readers import detect_encoding, open_table

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "examples" / "ingest"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


# ------------------------------------------------------------------------------------------- show --paths

def test_show_paths_lists_values_spelling_in_three_formats() -> None:
    code, out, _ = run("show", "injection-molding", "--paths")
    assert code == 0
    assert "ProcessData.InjectionUnits[0].SpecificPressureMaximum" in out and "__00__" not in out
    code, out, _ = run("show", "injection-molding", "--paths", "--format", "json")
    rows = json.loads(out)
    spec_paths = {p.path for p in P.fillable_paths(load_model("injection-molding"))}
    assert {r["path"] for r in rows} == spec_paths
    cycle = next(r for r in rows if r["path"] == "ProcessData.CycleTime")
    assert (cycle["valueType"], cycle["unit"], cycle["ko"]) == ("xs:double", "s", "사이클 타임")
    code, out, _ = run("show", "welding", "--paths", "--format", "csv", "--lang", "ko")
    table = list(csv.reader(out.splitlines()))
    assert table[0][:4] == ["path", "modelType", "valueType", "unit"] and len(table) == len(
        P.fillable_paths(load_model("welding"))) + 1


def test_paths_copied_from_files_are_understood() -> None:
    spec = load_model("injection-molding")
    assert P.normalize(spec, "ProcessData.MaterialLot01.MaterialId") == "ProcessData.MaterialLot[0].MaterialId"
    assert P.normalize(spec, "ProcessData.MaterialLot__00__.MaterialId") == "ProcessData.MaterialLot[0].MaterialId"
    assert "spelled 'ProcessData.MaterialLot[1].MaterialId'" in P.explain_unknown(
        spec, "ProcessData.MaterialLot02.MaterialId")
    assert "did you mean 'ProcessData.CycleTime'" in P.explain_unknown(spec, "ProcessData.CycleTme")
    assert "ProcessData.MeltTemperature" in P.suggestions(spec, "ProcessData.수지온도")


# ------------------------------------------------------------------------------------------- mapping errors

def test_mapping_errors_are_all_located(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("""\
model: injection-molding
columns:
  ct:
    path: ProcessData.CycleTme
  p:
    path: ProcessData.InjectionUnits[0].SpecificPressureMaximum
    unit: kg
  judge:
    path: ProcessData.ResultEvaluation
    values: {OK: Fine}
  zone:
    path: ProcessData.StartTime
    timezone: Mars/Olympus
constants:
  ProcessData.NoSuch: 1
""", encoding="utf-8")
    with pytest.raises(MappingError) as err:
        load_mapping(bad, load_model("injection-molding"))
    problems = dict(err.value.problems)
    assert set(problems) == {f"{bad}:4:11", f"{bad}:7:11", f"{bad}:10:18", f"{bad}:13:15", f"{bad}:15:3"}
    assert "did you mean 'ProcessData.CycleTime'" in problems[f"{bad}:4:11"]
    assert "'kg'" in problems[f"{bad}:7:11"] and "'bar'" in problems[f"{bad}:7:11"]  # names both units
    assert "Fine" in problems[f"{bad}:10:18"]
    assert "Mars/Olympus" in problems[f"{bad}:13:15"]


def test_schema_errors_are_located(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("model: welding\ncolums:\n  a: {path: ProcessData.ArcTime}\ncolumns:\n  b: {pth: x}\n",
                   encoding="utf-8")
    code, _out, err = run("ingest", "welding", str(FIXTURES / "welding.jsonl"), "--map", str(bad), "-o",
                          str(tmp_path / "o.aasx"))
    assert code == 1
    assert f"{bad}:1:1" in err and "colums" in err  # additional property at the top
    assert f"{bad}:5:6" in err and "pth" in err
    assert not (tmp_path / "o.aasx").exists()


def test_yaml_syntax_error_is_located(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("columns:\n  a: [unclosed\n", encoding="utf-8")
    code, _out, err = run("ingest", "welding", str(FIXTURES / "welding.jsonl"), "--map", str(bad), "-o",
                          str(tmp_path / "o.aasx"))
    assert code == 1 and f"{bad}:3:1" in err and "Traceback" not in err


# ------------------------------------------------------------------------------------------- map init

def test_map_init_matches_korean_headers(tmp_path: Path) -> None:
    out = tmp_path / "map.yaml"
    code, stdout, _ = run("map", "init", "injection-molding", "--from", str(FIXTURES / "injection-molding.csv"),
                          "-o", str(out))
    assert code == 0
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    cols = doc["columns"]
    assert doc["encoding"] == "cp949" and doc["timestamp"] == "일시" and doc["record_key"] == "샷번호"
    assert cols["최대사출압력(MPa)"]["path"] == "ProcessData.InjectionUnits[0].SpecificPressureMaximum"
    assert cols["최대사출압력(MPa)"]["unit"] == "MPa"
    assert cols["수지온도(°C)"]["path"] == "ProcessData.MeltTemperature" and cols["수지온도(°C)"]["unit"] == "°C"
    assert cols["형체력(kN)"]["path"] == "ProcessData.ClampingForce"
    assert cols["판정"]["path"] == "ProcessData.ResultEvaluation" and cols["판정"]["values"] == {"NG": "NotOK"}
    assert set(doc["unmatched"]) == {"설비", "비고"}
    assert "confidence" in stdout
    # the draft runs as is
    code, stdout, err = run("ingest", "injection-molding", str(FIXTURES / "injection-molding.csv"), "--map",
                            str(out), "-o", str(tmp_path / "o.aasx"))
    assert code == 0, err
    assert "read 200 rows: 200 written, 0 rejected" in stdout


def test_map_init_header_that_is_a_path_is_certain(tmp_path: Path) -> None:
    src = tmp_path / "t.csv"
    src.write_text("ProcessData.CycleTime,ProcessData.MaterialLot01.MaterialId,온도(°C)\n1,2,3\n", encoding="utf-8")
    code, out, _ = run("map", "init", "injection-molding", "--from", str(src))
    assert code == 0
    doc = yaml.safe_load(out)
    assert doc["columns"]["ProcessData.CycleTime"] == {"path": "ProcessData.CycleTime", "unit": "s",
                                                       "confidence": 1.0, "note": "matched by the header is a path"}
    assert doc["columns"]["ProcessData.MaterialLot01.MaterialId"]["path"] == "ProcessData.MaterialLot[0].MaterialId"
    assert doc["columns"]["온도(°C)"]["unit"] == "°C"


# ------------------------------------------------------------------------------------------- ingest CLI

def _im_rows(tmp_path: Path, encoding: str, bad: bool = False) -> Path:
    src = tmp_path / "in.csv"
    lines = (FIXTURES / "injection-molding.csv").read_text(encoding="cp949").splitlines()[:11]
    if bad:
        lines[3] = lines[3].replace(",OK,", ",??,").replace(",NG,", ",??,")
        lines[5] = "2026-13-45 99:00:00" + lines[5][19:]
    src.write_text("\r\n".join(lines) + "\r\n", encoding=encoding)
    return src


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949", "euc-kr"])
def test_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    src = _im_rows(tmp_path, encoding)
    with open_table(src) as table:
        assert table.columns[0] == "일시"
        assert len(list(table.rows())) == 10
    code, out, err = run("ingest", "injection-molding", str(src), "--map", str(FIXTURES / "injection-molding.map.yaml"),
                         "-o", str(tmp_path / "o.json"), "--as", "records")
    assert code == 0, err and "10 written" in out


def test_wrong_encoding_given_is_one_line(tmp_path: Path) -> None:
    src = _im_rows(tmp_path, "cp949")
    code, _out, err = run("ingest", "injection-molding", str(src), "--map", str(FIXTURES / "injection-molding.map.yaml"),
                          "-o", str(tmp_path / "o.json"), "--encoding", "utf-8")
    assert code == 3 and len(err.strip().splitlines()) == 1 and "encoding" in err
    assert not (tmp_path / "o.json").exists()
    assert detect_encoding("온도".encode("cp949")) == "cp949"


def test_bad_rows_fail_by_default_and_nothing_is_written(tmp_path: Path) -> None:
    src = _im_rows(tmp_path, "cp949", bad=True)
    out = tmp_path / "o.aasx"
    code, _stdout, err = run("ingest", "injection-molding", str(src), "--map",
                             str(FIXTURES / "injection-molding.map.yaml"), "-o", str(out))
    assert code == 1
    assert "row 4, column '판정' -> ProcessData.ResultEvaluation" in err
    assert "row 6, column '일시' -> ProcessData.StartTime" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_skip_writes_good_rows_and_a_rejects_file(tmp_path: Path) -> None:
    src = _im_rows(tmp_path, "cp949", bad=True)
    out = tmp_path / "o.aasx"
    code, stdout, err = run("ingest", "injection-molding", str(src), "--map",
                            str(FIXTURES / "injection-molding.map.yaml"), "-o", str(out), "--on-error", "skip")
    assert code == 0, err
    assert "read 10 rows: 8 written, 2 rejected" in stdout
    rejects = tmp_path / "o.rejects.csv"
    rows = list(csv.reader(rejects.open(encoding="utf-8-sig")))
    original = list(csv.reader(src.open(encoding="cp949")))
    assert rows[0] == [*original[0], "reason"]
    assert [r[:-1] for r in rows[1:]] == [original[3], original[5]]


def test_usage_and_missing_input(tmp_path: Path) -> None:
    code, _o, err = run("ingest", "injection-molding", str(tmp_path / "none.csv"), "--map",
                        str(FIXTURES / "injection-molding.map.yaml"), "-o", str(tmp_path / "o.aasx"))
    assert code == 3 and "no such file" in err
    code, _o, _e = run("ingest", "injection-molding", str(FIXTURES / "injection-molding.csv"), "--map",
                       str(FIXTURES / "injection-molding.map.yaml"), "-o", str(tmp_path / "o.txt"))
    assert code == 2


def test_units() -> None:
    assert U.converter("MPa", "bar")(6.42) == pytest.approx(64.2)
    assert U.converter("°F", "°C")(212) == pytest.approx(100)
    assert U.converter("cm/min", "mm/s")(60) == pytest.approx(10)
    assert U.converter("rpm", "1/min")(8000) == 8000
    assert U.converter("pcs", "pcs")(3) == 3
    with pytest.raises(U.UnitError, match=r"'kg'.*'bar'"):
        U.converter("kg", "bar")
    assert U.unit_in_header("온도(°C)") == ("온도", "°C")
    assert U.unit_in_header("pressure_bar") == ("pressure", "bar")
    assert U.unit_in_header("feed_mm_min") == ("feed", "mm/min")
    assert U.unit_in_header("tool_no") == ("tool_no", None)


def test_readme_mapping_example_compiles() -> None:
    from aas_refmodels.ingest.mapping import compile_mapping

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("**3. The mapping file**")[1].split("```yaml")[1].split("```")[0]
    mapping = compile_mapping(yaml.safe_load(block), load_model("injection-molding"))
    assert mapping.timestamp == "일시" and mapping.record_key == "샷번호"
    assert {r.column for r in mapping.rules} == {"일시", "최대사출압력(MPa)", "판정"}


def test_parquet_and_xlsx_inputs(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    with open_table(FIXTURES / "machining.xlsx", sheet=0) as table:
        rows = [r for _n, r, _p in table.rows()]
        assert table.sheet == "Cycles" and len(rows) == 200
    with open_table(FIXTURES / "machining.xlsx", sheet="Cycles") as table:
        first_row = next(iter(table.rows()))
        assert first_row[0] == 2  # the header is row 1
    with pytest.raises(Exception, match="no sheet 'Nope'"):
        open_table(FIXTURES / "machining.xlsx", sheet="Nope")
    src = tmp_path / "cycles.parquet"
    pq.write_table(pa.Table.from_pylist(rows), src)
    out = tmp_path / "o.aasx"
    code, stdout, err = run("ingest", "machining", str(src), "--map", str(FIXTURES / "machining.map.yaml"), "-o",
                            str(out), "--external-format", "parquet", "--max-internal-records", "50")
    assert code == 0, err
    assert "read 200 rows: 200 written, 0 rejected" in stdout
    import zipfile

    with zipfile.ZipFile(out) as zf:
        names = [n for n in zf.namelist() if n.endswith(".parquet")]
        assert len(names) == 1
        import io

        table = pq.read_table(io.BytesIO(zf.read(names[0])))
    assert table.num_rows == 200 and "SpindleSpeed" in table.column_names


def test_mapping_understands_paths_copied_from_files() -> None:
    from aas_refmodels.ingest.mapping import compile_mapping

    mapping = compile_mapping({"columns": {"m": {"path": "ProcessData.MaterialLot01.MaterialId"}},
                               "constants": {"ProcessData.MaterialLot__00__.MaterialLotNumber": "L-1"}},
                              load_model("injection-molding"))
    assert mapping.rules[0].path == "ProcessData.MaterialLot[0].MaterialId"
    assert mapping.constants == {"ProcessData.MaterialLot[0].MaterialLotNumber": "L-1"}


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from aas_refmodels.cli.ingest_cmds import _progress

    with _progress(True) as update:  # pytest's stderr is no terminal
        assert update is None

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stderr", Tty())
    with _progress(True) as update:
        assert update is not None
        update(500)
    with _progress(False) as update:  # --no-progress
        assert update is None


def test_an_identifier_basyx_refuses_is_one_line(tmp_path: Path) -> None:
    code, _out, err = run("ingest", "welding", str(FIXTURES / "welding.jsonl"), "--map", str(FIXTURES / "welding.map.yaml"),
                          "-o", str(tmp_path / "o.aasx"), "--asset-id", "urn:" + "a" * 3000)
    assert code == 3 and len(err.strip().splitlines()) == 1 and "2048" in err
    assert list(tmp_path.iterdir()) == []
