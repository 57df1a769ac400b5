"""aasref schemas status|install: pinned sha256, offline sources, a loopback mirror, refusal of tampered files,
nothing half-installed; afterwards `aasref validate` runs the schema layer with no flags."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import os
import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import aas_refmodels
from aas_refmodels import schemas
from aas_refmodels.build import build_template
from aas_refmodels.cli import main
from aas_refmodels.io import write
from aas_refmodels.spec import load_model

FILES = [(r.folder, f.name) for r in schemas.RELEASES for f in r.files]


@pytest.fixture()
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh per-user data folder (platformdirs honours XDG_DATA_HOME) and no $AASREF_SCHEMA_DIR."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("AASREF_SCHEMA_DIR", raising=False)
    monkeypatch.delenv("AASREF_REQUIRE_SCHEMAS", raising=False)
    target = schemas.user_schema_dir()
    assert str(target).startswith(str(tmp_path))
    return target


@pytest.fixture()
def official_copy(schema_dir: Path, tmp_path: Path) -> Path:
    """The pinned files only (no examples), laid out V3.0.9/aas.json …"""
    out = tmp_path / "offline"
    for folder, name in FILES:
        (out / folder).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(schema_dir / folder / name, out / folder / name)
    return out


def tamper(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[100] ^= 0x20  # one flipped bit in the middle of the file
    path.write_bytes(bytes(data))


def invoke(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def one_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def leftovers(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


# --- pins -----------------------------------------------------------------------------------------------------

def test_pins_match_the_official_files_and_their_sources(schema_dir: Path) -> None:
    for release in schemas.RELEASES:
        note = schema_dir / release.folder / "SOURCE.txt"  # in ../shared/schemas, not in an installed folder
        source = note.read_text(encoding="utf-8") if note.is_file() else None
        assert source is None or (release.commit in source and release.repo in source)
        for f in release.files:
            if not f.required and not (schema_dir / release.folder / f.name).is_file():
                continue
            data = (schema_dir / release.folder / f.name).read_bytes()
            assert hashlib.sha256(data).hexdigest() == f.sha256
            assert hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest() == f.blob  # git's blob id
            assert source is None or f.blob in source


def test_default_source_is_raw_github_at_the_pinned_commits() -> None:
    urls = [r.url(f) for r in schemas.RELEASES for f in r.files if f.name == "aas.json"]
    assert urls == [
        "https://raw.githubusercontent.com/admin-shell-io/aas-specs/b11bbab79d9c2b47761ce878bee0ba592ee87513/"
        "schemas/json/aas.json",
        "https://raw.githubusercontent.com/admin-shell-io/aas-specs-metamodel/a93e41c07c4018e864cba6016b760b9c7e0d849f/"
        "schemas/json/aas.json"]


def test_the_schema_files_are_not_in_the_repository() -> None:
    root = Path(__file__).resolve().parent.parent
    pinned = {f.sha256 for r in schemas.RELEASES for f in r.files}
    for path in root.rglob("*"):
        if path.is_file() and not any(p.startswith(".") for p in path.relative_to(root).parts) and path.suffix in (".json", ".xsd", ".txt") \
                and path.stat().st_size < 100_000:
            assert hashlib.sha256(path.read_bytes()).hexdigest() not in pinned, path


# --- status ---------------------------------------------------------------------------------------------------

def test_status_without_schemas_lists_where_it_looked(user_dir: Path) -> None:
    res = invoke("schemas", "status")
    assert res.exit_code == 1
    assert "$AASREF_SCHEMA_DIR: not set" in res.stdout
    assert f"user data folder: {user_dir} (missing)" in res.stdout
    assert "aasref schemas install" in res.stdout
    doc = json.loads(invoke("schemas", "status", "--format", "json").stdout)
    assert doc["complete"] is False and doc["schemaDir"] is None


def test_status_follows_schema_dir_then_env(user_dir: Path, official_copy: Path, monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    res = invoke("schemas", "status", "--schema-dir", str(official_copy))
    assert res.exit_code == 0, res.output
    assert f"schema folder: {official_copy}" in res.stdout and res.stdout.count(" ok ") == 6
    monkeypatch.setenv("AASREF_SCHEMA_DIR", str(official_copy))
    doc = json.loads(invoke("schemas", "status", "--format", "json").stdout)
    assert doc["schemaDir"] == str(official_copy) and doc["complete"] is True
    assert [loc["origin"] for loc in doc["locations"]] == ["--schema-dir", "$AASREF_SCHEMA_DIR", "user data folder"]


def test_status_reports_a_changed_file(official_copy: Path) -> None:
    tamper(official_copy / "V3.1.2" / "AAS.xsd")
    (official_copy / "V3.0.9" / "LICENSE.txt").unlink()
    res = invoke("schemas", "status", "--schema-dir", str(official_copy))
    assert res.exit_code == 1
    line = next(line for line in res.stdout.splitlines() if "V3.1.2/AAS.xsd" in line)
    assert "mismatch" in line
    assert "missing (optional)" in res.stdout  # the licence is installed when the source has it


# --- install --------------------------------------------------------------------------------------------------

def assert_installed(root: Path, schema_dir: Path) -> None:
    for folder, name in FILES:
        assert (root / folder / name).read_bytes() == (schema_dir / folder / name).read_bytes()
    assert not [p for p in root.iterdir() if p.name.startswith(".")]  # no staging folder left behind
    assert schemas.status(root).complete


def test_install_from_dir_into_the_user_folder(user_dir: Path, official_copy: Path, schema_dir: Path) -> None:
    old = os.umask(0o022)
    try:
        res = invoke("schemas", "install", "--from", str(official_copy))
    finally:
        os.umask(old)
    assert res.exit_code == 0, res.output
    assert one_line(res.stdout).startswith(f"installed V3.0.9, V3.1.2 into {user_dir} (6 files")
    assert_installed(user_dir, schema_dir)
    assert (user_dir / "V3.1.2" / "aas.json").stat().st_mode & 0o777 == 0o644
    assert invoke("schemas", "status").exit_code == 0
    again = invoke("schemas", "install", "--from", str(official_copy))  # idempotent
    assert again.exit_code == 0, again.output
    assert_installed(user_dir, schema_dir)


def test_install_into_an_unwritable_place_could_not_run(tmp_path: Path, official_copy: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    target = blocker / "schemas"  # cannot be created, even by root
    res = invoke("schemas", "install", "--from", str(official_copy), "--schema-dir", str(target))
    assert res.exit_code == 3 and one_line(res.stderr).startswith(f"error: cannot write to {target}")
    assert blocker.read_text() == "not a folder"


def test_a_partial_folder_names_the_remedy(tmp_path: Path, official_copy: Path) -> None:
    shutil.rmtree(official_copy / "V3.0.9")
    report = aas_refmodels.validate(b'{"submodels": [{"id": "urn:x", "idShort": "Xy", "modelType": "Submodel"}]}',
                                    schema_dir=official_copy, spec_version="3.0")
    layer = report.layer("schema")
    assert layer is not None and layer.status == "skipped" and layer.incomplete
    assert "aasref schemas install" in (layer.reason or "")


def test_install_from_zip(tmp_path: Path, official_copy: Path, schema_dir: Path) -> None:
    archive = tmp_path / "schemas.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for folder, name in FILES:
            zf.write(official_copy / folder / name, f"schemas/{folder}/{name}")
        zf.writestr("schemas/V3.1.2/examples/generated/X/aas.json", "{}")  # deeper look-alikes are ignored
    target = tmp_path / "target"
    res = invoke("schemas", "install", "--from", str(archive), "--schema-dir", str(target))
    assert res.exit_code == 0, res.output
    assert_installed(target, schema_dir)


def test_install_refuses_a_tampered_file_and_installs_nothing(tmp_path: Path, official_copy: Path) -> None:
    tamper(official_copy / "V3.1.2" / "AAS.xsd")
    target = tmp_path / "target"
    res = invoke("schemas", "install", "--from", str(official_copy), "--schema-dir", str(target))
    assert res.exit_code == 3
    line = one_line(res.stderr)
    assert line.startswith("error: ") and "V3.1.2/AAS.xsd" in line and "refused, nothing installed" in line
    assert leftovers(target) == []  # not even V3.0.9, whose files were fine


def test_failed_update_keeps_the_installed_files(tmp_path: Path, official_copy: Path, schema_dir: Path) -> None:
    target = tmp_path / "target"
    assert invoke("schemas", "install", "--from", str(official_copy), "--schema-dir", str(target)).exit_code == 0
    before = leftovers(target)
    tamper(official_copy / "V3.0.9" / "aas.json")
    assert invoke("schemas", "install", "--from", str(official_copy), "--schema-dir", str(target)).exit_code == 3
    assert leftovers(target) == before
    assert_installed(target, schema_dir)


def test_install_refuses_an_incomplete_source(tmp_path: Path, official_copy: Path) -> None:
    (official_copy / "V3.0.9" / "AAS.xsd").unlink()
    res = invoke("schemas", "install", "--from", str(official_copy), "--schema-dir", str(tmp_path / "t"))
    assert res.exit_code == 3 and "V3.0.9/AAS.xsd not found" in one_line(res.stderr)
    assert leftovers(tmp_path / "t") == []


@pytest.mark.parametrize("source", ["missing-folder", "not-a-zip"])
def test_install_from_an_unusable_path(tmp_path: Path, source: str) -> None:
    path = tmp_path / source
    if source == "not-a-zip":
        path.write_text("hello")
    res = invoke("schemas", "install", "--from", str(path), "--schema-dir", str(tmp_path / "t"))
    assert res.exit_code == 3 and one_line(res.stderr).startswith(f"error: {path}")
    assert leftovers(tmp_path / "t") == []


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def mirror(tmp_path: Path, official_copy: Path) -> Iterator[tuple[str, Path]]:
    """A loopback HTTP server laid out like raw.githubusercontent.com: /<owner>/<repo>/<commit>/<path>."""
    root = tmp_path / "www"
    for release in schemas.RELEASES:
        for f in release.files:
            dest = root / release.repo / release.commit / f.upstream
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(official_copy / release.folder / f.name, dest)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", root
    finally:
        server.shutdown()
        server.server_close()


def test_install_from_a_mirror_url(mirror: tuple[str, Path], tmp_path: Path, schema_dir: Path) -> None:
    url, _ = mirror
    res = invoke("schemas", "install", "--from", url, "--schema-dir", str(tmp_path / "t"))
    assert res.exit_code == 0, res.output
    assert_installed(tmp_path / "t", schema_dir)


def test_install_refuses_a_tampered_mirror(mirror: tuple[str, Path], tmp_path: Path) -> None:
    url, root = mirror
    release = schemas.RELEASES[1]
    tamper(root / release.repo / release.commit / "schemas/json/aas.json")
    res = invoke("schemas", "install", "--from", url, "--schema-dir", str(tmp_path / "t"))
    assert res.exit_code == 3
    assert "V3.1.2/aas.json has sha256" in one_line(res.stderr)
    assert leftovers(tmp_path / "t") == []


def test_install_from_a_mirror_missing_a_file(mirror: tuple[str, Path], tmp_path: Path) -> None:
    url, root = mirror
    release = schemas.RELEASES[0]
    (root / release.repo / release.commit / "schemas/xml/AAS.xsd").unlink()
    res = invoke("schemas", "install", "--from", url, "--schema-dir", str(tmp_path / "t"))
    assert res.exit_code == 3 and "HTTP 404" in one_line(res.stderr)
    assert leftovers(tmp_path / "t") == []


def test_install_from_an_unreachable_url(tmp_path: Path) -> None:
    import socket
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    res = invoke("schemas", "install", "--from", f"http://127.0.0.1:{port}/", "--schema-dir", str(tmp_path / "t"))
    assert res.exit_code == 3 and "cannot download" in one_line(res.stderr)
    assert leftovers(tmp_path / "t") == []


# --- after install: validate with no flags ---------------------------------------------------------------------

def test_validate_uses_the_installed_schemas_with_no_flags(user_dir: Path, official_copy: Path,
                                                           tmp_path: Path) -> None:
    model = tmp_path / "press.json"
    write(build_template(load_model("press")).objects(), model)
    before = aas_refmodels.validate(model)
    assert before.layer("schema").status == "skipped" and not before.complete and before.ok
    assert invoke("schemas", "install", "--from", str(official_copy)).exit_code == 0
    after = aas_refmodels.validate(model)
    assert after.layer("schema").status == "run" and after.complete and after.ok
    res = invoke("validate", str(model), "--format", "json", "--require-schemas")
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)["reports"][0]
    assert report["complete"] is True
    assert {"layer": "schema", "status": "run"} in report["layers"]
