"""Official AAS schemas: find them, verify them against pinned sha256 values, and install them."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import AasRefModelsError
from .pins import RAW_BASE, RELEASES, PinnedFile, PinnedRelease

__all__ = ["ENV_VAR", "RELEASES", "Location", "SchemaFileStatus", "SchemaInstallError", "SchemaStatus",
           "install", "locations", "resolve_schema_dir", "status", "user_schema_dir"]

ENV_VAR = "AASREF_SCHEMA_DIR"
APP_NAME = "aas-refmodels"
MAX_FILE_BYTES = 2_000_000       # the official files are 18-65 kB
MAX_ZIP_BYTES = 200_000_000      # a downloaded archive (e.g. a mirror's zip of the whole schemas folder)
TIMEOUT = 30.0


class SchemaInstallError(AasRefModelsError):
    """The schemas could not be installed (unreachable source, missing file, sha256 mismatch, I/O)."""


def user_schema_dir() -> Path:
    """The per-user data folder (platformdirs), e.g. ``~/.local/share/aas-refmodels/schemas`` on Linux."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "schemas"


@dataclass(frozen=True)
class Location:
    """One place searched for the schemas, in order: ``--schema-dir``, ``$AASREF_SCHEMA_DIR``, user folder."""

    origin: str                  # "--schema-dir", "$AASREF_SCHEMA_DIR", "user data folder"
    path: Path | None            # None: not given
    exists: bool

    def describe(self) -> str:
        if self.path is None:
            return f"{self.origin}: not set"
        return f"{self.origin}: {self.path} ({'present' if self.exists else 'missing'})"


def locations(schema_dir: str | os.PathLike[str] | None = None) -> list[Location]:
    """Where the schemas are looked for, in order of precedence."""
    env = os.environ.get(ENV_VAR) or None
    out = []
    if schema_dir is not None:
        out.append(Location("--schema-dir", Path(schema_dir), Path(schema_dir).is_dir()))
    out.append(Location(f"${ENV_VAR}", Path(env) if env else None, bool(env) and Path(env or ".").is_dir()))
    user = user_schema_dir()
    out.append(Location("user data folder", user, user.is_dir()))
    return out


def resolve_schema_dir(schema_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """The schema folder to use: ``schema_dir`` if given, else ``$AASREF_SCHEMA_DIR`` if set (both even when
    missing: the caller reports that), else the user data folder if something is installed there, else None."""
    if schema_dir is not None:
        return Path(schema_dir)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    user = user_schema_dir()
    if any((user / r.folder).is_dir() for r in RELEASES):
        return user
    return None


@dataclass(frozen=True)
class SchemaFileStatus:
    release: PinnedRelease
    file: PinnedFile
    path: Path
    state: str                   # "ok" | "missing" | "mismatch" | "unreadable"
    sha256: str | None = None

    @property
    def ok(self) -> bool:
        return self.state == "ok"

    def to_dict(self) -> dict[str, Any]:
        return {"folder": self.release.folder, "file": self.file.name, "path": str(self.path),
                "state": self.state, "required": self.file.required, "sha256": self.sha256,
                "pinnedSha256": self.file.sha256,
                "pinnedSource": f"{self.release.repo}@{self.release.commit}:{self.file.upstream}"}


@dataclass(frozen=True)
class SchemaStatus:
    locations: tuple[Location, ...]
    schema_dir: Path | None      # the folder the validator uses (None: none found)
    files: tuple[SchemaFileStatus, ...]

    @property
    def complete(self) -> bool:
        """Every file the validator needs is there and is byte-identical to the pinned official file."""
        return self.schema_dir is not None and all(f.ok for f in self.files if f.file.required)

    def to_dict(self) -> dict[str, Any]:
        return {"schemaDir": str(self.schema_dir) if self.schema_dir else None, "complete": self.complete,
                "locations": [{"origin": loc.origin, "path": str(loc.path) if loc.path else None,
                               "exists": loc.exists} for loc in self.locations],
                "files": [f.to_dict() for f in self.files]}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def status(schema_dir: str | os.PathLike[str] | None = None) -> SchemaStatus:
    """Where the schemas are looked for, which folder is used, and each file's sha256 against its pin."""
    locs = tuple(locations(schema_dir))
    root = resolve_schema_dir(schema_dir)
    files = []
    if root is not None:
        for release in RELEASES:
            for pinned in release.files:
                path = root / release.folder / pinned.name
                if not path.is_file():
                    files.append(SchemaFileStatus(release, pinned, path, "missing"))
                    continue
                try:
                    digest = _sha256(path.read_bytes())
                except OSError:
                    files.append(SchemaFileStatus(release, pinned, path, "unreadable"))
                    continue
                files.append(SchemaFileStatus(release, pinned, path, "ok" if digest == pinned.sha256 else "mismatch",
                                              digest))
    return SchemaStatus(locs, root, tuple(files))


# --- install ---------------------------------------------------------------------------------------------------

def install(source: str | os.PathLike[str] | None = None, target: str | os.PathLike[str] | None = None, *,
            timeout: float = TIMEOUT) -> Path:
    """Fetch the pinned official files from ``source``, verify every sha256, then store them under ``target``.

    ``source``: None (the official repositories at the pinned commits, over HTTPS), an ``http(s)://`` base URL
    of a mirror laid out like raw.githubusercontent.com (``<base>/<owner>/<repo>/<commit>/schemas/json/aas.json``)
    or the URL of a ``.zip``, a folder laid out ``V3.0.9/aas.json`` …, or a ``.zip`` file holding such folders.
    ``target``: default :func:`resolve_schema_dir` for writing (``$AASREF_SCHEMA_DIR`` or the user data folder).
    Nothing is written unless every file verifies; each version folder appears complete or not at all.
    Raises :class:`SchemaInstallError`. Returns the schema folder.
    """
    blobs = _gather(source, timeout)
    checked: dict[tuple[str, str], bytes] = {}
    for release in RELEASES:
        for pinned in release.files:
            data = blobs.get((release.folder, pinned.name))
            where = f"{release.folder}/{pinned.name}"
            if data is None:
                if pinned.required:
                    raise SchemaInstallError(f"{_label(source)}: {where} not found; nothing installed")
                continue
            digest = _sha256(data)
            if digest != pinned.sha256:
                raise SchemaInstallError(f"{_label(source)}: {where} has sha256 {digest[:16]}…, the pinned official "
                                         f"file has {pinned.sha256[:16]}…; refused, nothing installed")
            checked[(release.folder, pinned.name)] = data
    root = Path(target) if target is not None else (resolve_schema_dir(None) or user_schema_dir())
    try:
        _store(root, checked)
    except OSError as exc:
        raise SchemaInstallError(f"cannot write to {root}: {exc.strerror or exc}; nothing installed") from None
    return root


def _label(source: str | os.PathLike[str] | None) -> str:
    return "official repositories" if source is None else str(source)


def _store(root: Path, files: Mapping[tuple[str, str], bytes]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".aasref-install-", dir=root))
    try:
        for (folder, name), data in files.items():
            (stage / folder).mkdir(exist_ok=True)
            with open(stage / folder / name, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        for folder in sorted({folder for folder, _ in files}):
            dest = root / folder
            if not dest.exists():
                os.rename(stage / folder, dest)            # the whole version folder at once
            else:
                for name in sorted(name for f, name in files if f == folder):
                    os.replace(stage / folder / name, dest / name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _gather(source: str | os.PathLike[str] | None, timeout: float) -> dict[tuple[str, str], bytes]:
    if source is None:
        return _from_url(RAW_BASE, timeout)
    text = os.fspath(source)
    if text.startswith(("http://", "https://")):
        if text.lower().split("?", 1)[0].endswith(".zip"):
            return _from_zip(_download(text, timeout, MAX_ZIP_BYTES), text)
        return _from_url(text, timeout)
    path = Path(text)
    if path.is_dir():
        return _from_dir(path)
    if path.is_file():
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SchemaInstallError(f"cannot read {path}: {exc.strerror or exc}") from None
        return _from_zip(data, text)
    raise SchemaInstallError(f"{text}: no such folder, ZIP file or http(s) URL")


def _from_dir(path: Path) -> dict[tuple[str, str], bytes]:
    out = {}
    for release in RELEASES:
        for pinned in release.files:
            p = path / release.folder / pinned.name
            if p.is_file():
                try:
                    if p.stat().st_size > MAX_FILE_BYTES:
                        raise SchemaInstallError(f"{p}: larger than any official schema file; refused")
                    out[(release.folder, pinned.name)] = p.read_bytes()
                except OSError as exc:
                    raise SchemaInstallError(f"cannot read {p}: {exc.strerror or exc}") from None
    return out


def _from_zip(data: bytes, label: str) -> dict[tuple[str, str], bytes]:
    """A ZIP holding ``V3.0.9/aas.json`` … (at its root or under one folder, as a zipped ``schemas/`` gives)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            out = {}
            wanted = {f"{r.folder}/{p.name}": (r.folder, p.name) for r in RELEASES for p in r.files}
            for info in zf.infolist():
                name = info.filename.replace("\\", "/")
                parts = name.split("/")
                key = "/".join(parts[-2:])
                if key not in wanted or len(parts) > 3 or info.is_dir():
                    continue
                if info.file_size > MAX_FILE_BYTES:
                    raise SchemaInstallError(f"{label}: {name} is larger than any official schema file; refused")
                with zf.open(info) as f:
                    blob = f.read(MAX_FILE_BYTES + 1)
                if len(blob) > MAX_FILE_BYTES:
                    raise SchemaInstallError(f"{label}: {name} is larger than any official schema file; refused")
                if wanted[key] in out:
                    raise SchemaInstallError(f"{label}: {key} occurs more than once in the archive; refused")
                out[wanted[key]] = blob
            return out
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as exc:
        raise SchemaInstallError(f"{label}: not a readable folder or ZIP archive ({exc})") from None


def _from_url(base: str, timeout: float) -> dict[tuple[str, str], bytes]:
    out = {}
    for release in RELEASES:
        for pinned in release.files:
            data = _download(release.url(pinned, base), timeout, MAX_FILE_BYTES, missing_ok=not pinned.required)
            if data is not None:
                out[(release.folder, pinned.name)] = data
    return out


def _download(url: str, timeout: float, limit: int, *, missing_ok: bool = False) -> Any:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            data: bytes = resp.read(limit + 1)
    except urllib.error.HTTPError as exc:
        if missing_ok and exc.code == 404:
            return None
        raise SchemaInstallError(f"{url}: HTTP {exc.code} {exc.reason}; nothing installed") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise SchemaInstallError(f"{url}: cannot download ({reason}); nothing installed "
                                 "(offline: aasref schemas install --from DIR|ZIP)") from None
    if len(data) > limit:
        raise SchemaInstallError(f"{url}: larger than {limit} bytes; refused, nothing installed")
    return data
