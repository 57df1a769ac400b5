"""Hostile and broken input: a finding (or a one-line error), exit 1 or 3, bounded time and memory, no traceback."""

from __future__ import annotations

import io
import json
import time
import tracemalloc
import zipfile

import pytest
from click.testing import CliRunner
from make_corpus import base_env, good_parts, package
from validate_helpers import dumps

from aas_refmodels.cli.validate_cmds import validate_cmd
from aas_refmodels.validate import Limits, validate


@pytest.fixture(scope="module")
def schema_dir(schema_dir_if_any):
    """These tests do not depend on the schema layer: they run without the official schemas too."""
    return schema_dir_if_any


def schema_args(schema_dir):
    return ["--schema-dir", str(schema_dir)] if schema_dir is not None else []

XXE = (b'<?xml version="1.0"?>\n<!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
       b'<environment xmlns="https://admin-shell.io/aas/3/1"><submodels><submodel><id>&x;</id>'
       b'</submodel></submodels></environment>')
LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
          + b"".join(b'<!ENTITY a%d "%s">' % (i, (b"&a%d;" % (i - 1) if i > 1 else b"&a;") * 10) for i in range(1, 12))
          + b']>\n<environment xmlns="https://admin-shell.io/aas/3/1">&a11;</environment>')
PLAIN_DTD = (b'<?xml version="1.0"?>\n<!DOCTYPE environment SYSTEM "http://example.org/aas.dtd">\n'
             b'<environment xmlns="https://admin-shell.io/aas/3/1"/>')
# the DTD after a comment, and an internal subset only: still refused
SNEAKY_DTD = (b'<?xml version="1.0"?><!-- hi --><!DOCTYPE environment [<!ELEMENT environment ANY>]>'
              b'<environment xmlns="https://admin-shell.io/aas/3/1"/>')


def _bomb(size: int = 16 * 1024 * 1024) -> bytes:
    parts = good_parts()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        with zf.open("aasx/files/zeros.bin", "w", force_zip64=True) as f:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                f.write(chunk)
    return buf.getvalue()


def _corrupt_member() -> bytes:
    data = bytearray(package(good_parts()))
    start = data.find(b"aasx/data.json") + len("aasx/data.json")  # local header name, data follows
    for i in range(start + 20, start + 60):
        data[i] ^= 0xFF
    return bytes(data)


def _deep_json(depth: int) -> bytes:
    return b'{"submodels": ' + b"[" * depth + b"]" * depth + b"}"


CASES = {
    "xxe": (XXE, "SER006"),
    "billion-laughs": (LAUGHS, "SER006"),
    "external-dtd": (PLAIN_DTD, "SER006"),
    "internal-dtd-after-comment": (SNEAKY_DTD, "SER006"),
    "zip-bomb-ratio": (None, "PKG002"),
    "path-traversal": (package({**good_parts(), "../../etc/cron.d/x": b"x", "C:/win.ini": b"x"}), "PKG003"),
    "absolute-name": (package({**good_parts(), "/abs/data.json": b"{}"}), "PKG003"),
    "truncated-zip": (package(good_parts())[:200], "PKG001"),
    "corrupt-member": (None, "PKG001"),
    "invalid-utf8-json": (dumps(base_env()).replace(b'"Mill"', b'"\xc3\x28"'), "SER002"),
    "invalid-utf8-xml": (b'<?xml version="1.0" encoding="UTF-8"?><environment xmlns="https://admin-shell.io/aas/3/1">'
                         b'<submodels><submodel><id>\xff\xfe</id></submodel></submodels></environment>', "SER002"),
    "deep-json": (_deep_json(100_000), "SER007"),
    "deep-json-moderate": (_deep_json(250), "SER007"),
    "empty": (b"", "SER001"),
    "binary": (bytes(range(256)) * 4, "SER001"),
    "not-aas-xml": (b"<html><body>hi</body></html>", "SER003"),
}


def _data(name):
    data, code = CASES[name]
    if name == "zip-bomb-ratio":
        data = _bomb()
    if name == "corrupt-member":
        data = _corrupt_member()
    return data, code


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_input_gives_finding_in_bounded_time_and_memory(name, schema_dir):
    data, code = _data(name)
    tracemalloc.start()
    t0 = time.perf_counter()
    report = validate(data, schema_dir=schema_dir)
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert code in report.codes, (name, report.codes)
    assert elapsed < 10, elapsed
    assert peak < 64 * 1024 * 1024 + len(data) * 4, peak


@pytest.mark.parametrize("name", ["xxe", "billion-laughs", "truncated-zip", "invalid-utf8-json", "deep-json"])
def test_hostile_input_through_cli_exits_1_without_traceback(name, tmp_path, schema_dir):
    data, code = _data(name)
    path = tmp_path / f"{name}.bin"
    path.write_bytes(data)
    res = CliRunner().invoke(validate_cmd, [str(path), *schema_args(schema_dir)])
    assert res.exit_code == 1, res.output
    assert ("Traceback" not in res.output and res.exception is None) or isinstance(res.exception, SystemExit)
    finding_lines = [line for line in res.output.splitlines() if f" {code} " in line]
    assert len(finding_lines) == 1


def test_xxe_never_reads_the_file(schema_dir):
    report = validate(XXE, schema_dir=schema_dir)
    assert "root:" not in json.dumps(report.to_dict())


def test_zip_absolute_limit_is_configurable(schema_dir):
    data = package(good_parts())
    assert "PKG002" not in validate(data, schema_dir=schema_dir).codes
    small = validate(data, schema_dir=schema_dir, limits=Limits(max_zip_total_bytes=500))
    assert "PKG002" in small.codes
    assert small.layer("schema").status == "skipped"


def test_zip_ratio_limit_is_configurable(tmp_path, schema_dir):
    parts = good_parts()
    parts["aasx/files/zeros.bin"] = b"\x00" * (2 * 1024 * 1024)
    data = package(parts)
    assert "PKG002" in validate(data, schema_dir=schema_dir).codes
    assert "PKG002" not in validate(data, schema_dir=schema_dir, limits=Limits(max_zip_ratio=1e6)).codes
    path = tmp_path / "ratio.aasx"
    path.write_bytes(data)
    res = CliRunner().invoke(validate_cmd, [str(path), "--max-zip-ratio", "1000000", *schema_args(schema_dir)])
    assert res.exit_code == 0, res.output


def test_zip_entry_count_limit(schema_dir):
    parts = good_parts()
    parts.update({f"aasx/files/{i}.txt": b"x" for i in range(30)})
    assert "PKG002" in validate(package(parts), schema_dir=schema_dir, limits=Limits(max_zip_entries=10)).codes


def test_file_size_limit_refuses_before_reading(tmp_path, schema_dir):
    path = tmp_path / "big.json"
    path.write_bytes(dumps(base_env()))
    report = validate(path, schema_dir=schema_dir, limits=Limits(max_file_bytes=100))
    assert report.codes == ["SER007"]
    res = CliRunner().invoke(validate_cmd, [str(path), "--max-file-size", "100", *schema_args(schema_dir)])
    assert res.exit_code == 1 and "SER007" in res.output


def test_depth_limit_is_configurable(schema_dir):
    doc = dumps(base_env())
    assert "SER007" in validate(doc, schema_dir=schema_dir, limits=Limits(max_depth=5)).codes


def test_one_broken_file_never_stops_a_batch(tmp_path, schema_dir):
    (tmp_path / "a.aasx").write_bytes(package(good_parts())[:100])
    (tmp_path / "b.xml").write_bytes(XXE)
    (tmp_path / "c.json").write_bytes(dumps(base_env()))
    res = CliRunner().invoke(validate_cmd, [str(tmp_path), "--format", "json", *schema_args(schema_dir)])
    assert res.exit_code == 1
    summary = json.loads(res.output)["summary"]
    assert summary["files"] == 3 and summary["clean"] == 1 and summary["unreadable"] == 2
