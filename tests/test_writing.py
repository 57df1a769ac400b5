"""Writing files: modes from the umask, non-regular targets refused, one-line errors naming the user's path,
stdout for JSON/XML, missing folders, write failures (disk full, read-only), convert and embedded files."""

from __future__ import annotations

import errno
import json
import os
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from aas_refmodels import build_shell, load_model
from aas_refmodels.build import build_template
from aas_refmodels.cli import main
from aas_refmodels.errors import WriteError
from aas_refmodels.io import Thumbnail, read, write
from aas_refmodels.io import atomic as atomic_mod

ASSET = "https://factory.example.kr/asset/P-01"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and ".tmp" not in err
    return lines[0]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.name.endswith(".tmp"))


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_written_files_follow_the_umask(tmp_path: Path, umask: None, mask: int, mode: int) -> None:
    os.umask(mask)
    target = write(build_template(load_model("press")).objects(), tmp_path / "p.json")
    assert stat.S_IMODE(target.stat().st_mode) == mode
    code, _, _ = run("build", "press", "-o", str(tmp_path / "cli.xml"))
    assert code == 0 and stat.S_IMODE((tmp_path / "cli.xml").stat().st_mode) == mode


def test_replacing_a_file_keeps_its_mode(tmp_path: Path, umask: None) -> None:
    target = tmp_path / "p.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    assert run("build", "press", "-o", str(target))[0] == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_text(encoding="utf-8") != "old"


def test_a_symlinked_target_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert run("build", "press", "-o", str(link))[0] == 0
    assert link.is_symlink() and json.loads(real.read_text(encoding="utf-8"))["submodels"]


def test_a_directory_target_names_the_users_path(tmp_path: Path) -> None:
    (tmp_path / "isdir.aasx").mkdir()
    code, _, err = run("build", "press", "-o", str(tmp_path / "isdir.aasx"))
    assert code == 3
    line = one_error_line(err)
    assert "isdir.aasx" in line and "directory" in line
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null")
def test_a_character_device_is_not_replaced(tmp_path: Path) -> None:
    link = tmp_path / "dev.json"
    link.symlink_to("/dev/null")
    for target in ("/dev/null", str(link)):
        code, _, err = run("build", "press", "-o", target)
        assert code == 3 and "character device" in one_error_line(err)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_target_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    code, _, err = run("build", "press", "-o", str(fifo))
    assert code == 3 and "FIFO" in one_error_line(err)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_missing_output_folder_is_an_error(tmp_path: Path) -> None:
    code, _, err = run("build", "press", "-o", str(tmp_path / "nope" / "p.json"))
    assert code == 3 and "does not exist" in one_error_line(err)
    assert not (tmp_path / "nope").exists()
    with pytest.raises(WriteError, match="does not exist"):
        write(build_template(load_model("press")).objects(), tmp_path / "nope" / "p.json")


def test_build_all_creates_its_folder(tmp_path: Path) -> None:
    out = tmp_path / "new" / "deeper"
    code, _, _ = run("build", "--all", "-o", str(out))
    assert code == 0 and (out / "press" / "1.0" / "template-v3.1.json").is_file()


def test_validate_report_into_a_missing_folder_is_one_line_exit_3(tmp_path: Path) -> None:
    model = tmp_path / "p.json"
    assert run("build", "press", "-o", str(model))[0] == 0
    code, _, err = run("validate", str(model), "--format", "sarif", "-o", str(tmp_path / "missing" / "r.sarif"))
    assert code == 3
    assert "does not exist" in one_error_line(err)
    assert not (tmp_path / "missing").exists()


def test_validate_report_into_a_read_only_folder_is_one_line_exit_3(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    model = tmp_path / "p.json"
    assert run("build", "press", "-o", str(model))[0] == 0

    def read_only(*_a: object, **_k: object) -> tuple[int, str]:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(atomic_mod.tempfile, "mkstemp", read_only)  # root ignores chmod, so simulate it
    code, _, err = run("validate", str(model), "-o", str(tmp_path / "r.json"), "--format", "json")
    assert code == 3
    line = one_error_line(err)
    assert "r.json" in line and "Read-only file system" in line
    assert not (tmp_path / "r.json").exists()


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root writes anywhere")
def test_a_really_read_only_folder(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        code, _, err = run("build", "press", "-o", str(ro / "p.json"))
        assert code == 3 and "Permission denied" in one_error_line(err)
    finally:
        ro.chmod(0o755)


def test_disk_full_is_exit_3_and_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "p.json"
    target.write_text("old", encoding="utf-8")

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic_mod.os, "fsync", full)
    code, _, err = run("build", "press", "-o", str(target))
    assert code == 3
    line = one_error_line(err)
    assert "No space left on device" in line and str(target) in line
    assert target.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_dash_writes_json_or_xml_to_stdout(tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run("build", "press", "--format", fmt, "-o", "-")
    assert code == 0 and "wrote stdout" in err
    assert read(out.encode("utf-8")).format == fmt
    assert not (tmp_path / "-").exists()


def test_dash_refuses_aasx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("build", "press", "--format", "aasx", "-o", "-")
    assert code == 2 and out == ""
    assert not (tmp_path / "-").exists()


def _package_with_files(tmp_path: Path) -> Path:
    """A shell AASX with an embedded logo and a thumbnail."""
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(8))
    values = {"Nameplate.CompanyLogo": {"path": "/aasx/files/logo.png", "source": "logo.png",
                                        "contentType": "image/png"}}
    from aas_refmodels.build.shell import _examples, shell_spec

    flat = {**_examples(shell_spec(load_model("press"))), **values}
    built = build_shell(load_model("press"), values=flat, asset_id=ASSET, attachments_dir=tmp_path,
                        thumbnail="/aasx/thumbnail.png")
    target = tmp_path / "shell.aasx"
    write(built.objects(), target, attachments=built.attachments,
          thumbnail=Thumbnail("/aasx/thumbnail.png", b"\x89PNG\r\n\x1a\n" + bytes(8)))
    return target


def test_convert_refuses_to_lose_embedded_files(tmp_path: Path) -> None:
    package = _package_with_files(tmp_path)
    target = tmp_path / "shell.json"
    code, _, err = run("convert", str(package), str(target))
    assert code == 1
    line = one_error_line(err)
    assert "/aasx/files/logo.png" in line and "thumbnail" in line and "--drop-files" in line
    assert not target.exists()
    code, _, _ = run("convert", str(package), str(target), "--drop-files")
    assert code == 0 and target.is_file()


def test_convert_to_aasx_names_the_missing_package_files(tmp_path: Path) -> None:
    package = _package_with_files(tmp_path)
    flat = tmp_path / "shell.json"
    assert run("convert", str(package), str(flat), "--drop-files")[0] == 0
    back = tmp_path / "back.aasx"
    code, _, err = run("convert", str(flat), str(back))
    assert code == 1 and "/aasx/files/logo.png" in err and "Traceback" not in err
    assert not back.exists()
    # AASX -> AASX carries everything over
    again = tmp_path / "again.aasx"
    assert run("convert", str(package), str(again))[0] == 0
    with zipfile.ZipFile(again) as zf:
        assert any(n.endswith("logo.png") for n in zf.namelist())


def test_convert_to_stdout(tmp_path: Path) -> None:
    src = tmp_path / "p.json"
    assert run("build", "press", "-o", str(src))[0] == 0
    code, out, _ = run("convert", str(src), "-", "--format", "xml", "--spec-version", "3.0")
    assert code == 0 and "https://admin-shell.io/aas/3/0" in out
    assert run("convert", str(src), "-", "--format", "aasx")[0] == 2
