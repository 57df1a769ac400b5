"""The aasref CLI through click's CliRunner: outputs, one-line errors, exit codes 0/1/2/3, no partial files."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from aas_refmodels.cli import main
from aas_refmodels.io import read

from .checks import aas_core_errors, aas_test_engines_errors


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_list_shows_every_model_with_semantic_ids_and_counts() -> None:
    code, out, _ = run("list")
    assert code == 0
    assert "machining" in out and "injection-molding" in out and "절삭가공" in out
    assert "https://admin-shell-io/idta/SubmodelTemplate/ProcessParameters/1/0" in out
    code, out, _ = run("list", "--json")
    rows = json.loads(out)
    row = next(r for r in rows if r["model"] == "machining")
    assert row["elements"] == sum(sm["elements"] for sm in row["submodels"]) > 50


@pytest.mark.parametrize(("lang", "word"), [("en", "spindle speed"), ("ko", "주축 회전수")])
def test_show_prints_the_tree_in_english_or_korean(lang: str, word: str) -> None:
    code, out, _ = run("show", "machining", "--lang", lang)
    assert code == 0
    assert word in out
    assert "SpindleSpeed  Property xs:double [r/min]  0..1" in out
    assert "└── " in out


def test_build_template_aasx(tmp_path: Path) -> None:
    target = tmp_path / "im.aasx"
    code, _out, err = run("build", "injection-molding", "--format", "aasx", "-o", str(target))
    assert (code, err) == (0, "")
    result = read(target)
    kinds = {sm.kind.name for sm in result.store if hasattr(sm, "submodel_element")}
    assert kinds == {"TEMPLATE"}
    with zipfile.ZipFile(target) as zf:
        assert "docProps/core.xml" in zf.namelist()


def test_build_instance_with_values_in_v30(tmp_path: Path) -> None:
    values = tmp_path / "values.json"
    values.write_text(json.dumps({"ProcessData": {"CycleTime": 40.1}}), encoding="utf-8")
    target = tmp_path / "m.json"
    code, _, err = run("build", "machining", "--kind", "instance", "--values", str(values),
                         "--asset-id", "https://factory.example.kr/asset/M-01", "-o", str(target))
    # partial values: the missing mandatory elements are listed, one line each, exit code 1
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[0].startswith("error: values do not fit reference model machining/1.0")
    assert any("ProcessData.StartTime: missing mandatory Property" in line for line in lines)
    assert not target.exists()


def test_build_instance_from_example_values_v30(tmp_path: Path) -> None:
    target = tmp_path / "m.json"
    code, _, _ = run("build", "machining", "--kind", "instance", "--example", "--spec-version", "3.0", "-o", str(target))
    assert code == 0
    assert aas_core_errors(target.read_bytes(), "json", "3.0") == []
    assert aas_test_engines_errors(target.read_bytes(), "json") == []


def test_build_shell_with_thumbnail(tmp_path: Path) -> None:
    png = tmp_path / "t.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    target = tmp_path / "w.aasx"
    code, _, err = run("build", "--process", "welding", "--asset-id", "https://factory.example.kr/asset/W1",
                       "--thumbnail", str(png), "-o", str(target))
    assert (code, err) == (0, "")
    result = read(target)
    shells = [o for o in result.store if type(o).__name__ == "AssetAdministrationShell"]
    assert len(shells) == 1 and result.thumbnail is not None and result.thumbnail[1] == png.read_bytes()


def test_build_all(tmp_path: Path) -> None:
    code, out, _ = run("build", "--all", "-o", str(tmp_path))
    assert code == 0
    assert (tmp_path / "machining" / "1.0" / "template-v3.0.xml").is_file()
    assert len(list(tmp_path.rglob("template-*"))) == int(out.split()[1])


def test_convert_between_formats_and_versions(tmp_path: Path) -> None:
    src = tmp_path / "a.aasx"
    assert run("build", "press", "--kind", "instance", "--example", "-o", str(src))[0] == 0
    xml30 = tmp_path / "b.xml"
    code, out, _ = run("convert", str(src), str(xml30), "--spec-version", "3.0")
    assert code == 0 and "-> xml V3.0" in out
    assert b"https://admin-shell.io/aas/3/0" in xml30.read_bytes()
    back = tmp_path / "c.json"
    assert run("convert", str(xml30), str(back))[0] == 0
    assert aas_core_errors(back.read_bytes(), "json", "3.1") == []
    assert len(read(back).store) == len(read(src).store)


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("build", "no-such-process", "-o", str(tmp_path / "x.json"))[0] == 2
    assert run("build", "machining", "--format", "xml", "-o", str(tmp_path / "x.json"))[0] == 2
    assert run("build", "machining", "--all", "-o", str(tmp_path))[0] == 2
    assert run("show")[0] == 2
    assert run("convert", str(tmp_path / "a.json"), str(tmp_path / "b.txt"))[0] == 2


@pytest.mark.parametrize(("content", "message"), [
    (b"", "neither an AASX package"),
    (b"{\"submodels\": [", "malformed JSON"),
    (b"\xff\xfe{}", "neither an AASX package"),
    (b"PK\x03\x04truncated", "corrupt AASX package"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><environment xmlns="https://admin-shell.io/aas/3/1"/>',
     "DTD"),
    (b'{"hello": "world"}', "not an AAS environment"),
])
def test_unreadable_input_exits_3_with_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    src, dst = tmp_path / "in.json", tmp_path / "out.json"
    src.write_bytes(content)
    code, _out, err = run("convert", str(src), str(dst))
    assert code == 3
    assert len(err.strip().splitlines()) == 1 and message in err and "Traceback" not in err
    assert not dst.exists()


def test_missing_input_file_exits_3(tmp_path: Path) -> None:
    code, _, err = run("convert", str(tmp_path / "nope.json"), str(tmp_path / "out.json"))
    assert code == 3 and "cannot read" in err


def test_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "keep.json"
    target.write_text("old", encoding="utf-8")
    values = tmp_path / "v.json"
    values.write_text(json.dumps({"ProcessData.CycleTime": "x"}), encoding="utf-8")
    assert run("build", "machining", "--values", str(values), "--kind", "instance", "--example",
               "-o", str(target))[0] == 1
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
