"""Package layer (AASX, IDTA-01005 on ECMA-376-2 OPC), hostile-archive safe.

Checks: readable ZIP; entry count, total size and compression-ratio limits (zip bombs, checked from the
central directory *and* while reading); part names (absolute, traversal, backslashes); [Content_Types].xml;
package relationships; the aasx-origin relationship in both namespaces seen in the wild (the legacy
``http://www.admin-shell.io/…`` one with a warning); aas-spec parts (each validated like a JSON/XML file);
every File element's target present in the package; the thumbnail target.
Relationships with ``TargetMode="External"`` are ignored, as OPC readers must.
"""

from __future__ import annotations

import io
import posixpath
import re
import time
import zipfile
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from ..findings import Layer, ModelPath, SourceLocation
from . import _paths, _read
from ._make import finding
from .metamodel import iter_elements

if TYPE_CHECKING:
    from . import _Run

_NS_NEW = "http://admin-shell.io/aasx/relationships/"
_NS_OLD = "http://www.admin-shell.io/aasx/relationships/"
_THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_BIG_ENTRY = 1024 * 1024


class _TooBig(Exception):
    pass


def _add(run: _Run, code: str, message: str, part: str | None = None, path: ModelPath | None = None) -> None:
    label = f"{run.label}!/{part}" if part else run.label
    run.findings.append(finding(code, path or ModelPath(f"Package[{part}]" if part else "Package"), message,
                                run.version, location=SourceLocation(label)))


def _unsafe_name(name: str) -> str | None:
    if "\\" in name:
        return "contains a backslash"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "is absolute"
    if any(seg == ".." for seg in name.split("/")):
        return "escapes the package (..)"
    if "\x00" in name:
        return "contains a NUL character"
    return None


def validate_package(run: _Run, data: bytes, collect_parts: list[Any] | None = None) -> None:
    t0 = time.perf_counter()
    limits = run.opts.limits
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        _add(run, "PKG001", f"not a readable ZIP archive: {str(exc) or type(exc).__name__}")
        for layer in (Layer.SCHEMA, Layer.DESERIALIZE, Layer.METAMODEL, Layer.TEMPLATE):
            run.skip(layer, "the package could not be opened")
        run.ran(Layer.PACKAGE, t0)
        return
    if len(infos) > limits.max_zip_entries:
        _add(run, "PKG002", f"found {len(infos)} entries, expected at most {limits.max_zip_entries} "
                            "(Limits.max_zip_entries)")
        _abort(run, t0)
        return
    total = sum(i.file_size for i in infos)
    if total > limits.max_zip_total_bytes:
        _add(run, "PKG002", f"found {total} uncompressed bytes, expected at most {limits.max_zip_total_bytes} "
                            "(Limits.max_zip_total_bytes)")
        _abort(run, t0)
        return
    names: dict[str, zipfile.ZipInfo] = {}
    refused: set[str] = set()
    for info in infos:
        problem = _unsafe_name(info.filename)
        if problem:
            _add(run, "PKG003", f"part name {info.filename!r} {problem}")
            refused.add(info.filename)
            continue
        if info.file_size > _BIG_ENTRY and info.compress_size and \
                info.file_size / info.compress_size > limits.max_zip_ratio:
            _add(run, "PKG002", f"compression ratio {info.file_size / info.compress_size:.0f} of "
                                f"{info.filename!r}, expected at most {limits.max_zip_ratio:g} (Limits.max_zip_ratio)",
                 info.filename)
            refused.add(info.filename)
            continue
        names[info.filename] = info
    budget = [limits.max_zip_total_bytes]

    def read(name: str) -> bytes | None:
        info = names.get(name)
        if info is None:
            return None
        cap = min(limits.max_file_bytes, budget[0])
        try:
            with zf.open(info) as f:
                chunks, size = [], 0
                while True:
                    chunk = f.read(65536)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > cap or size > info.file_size:
                        raise _TooBig(size)
                    chunks.append(chunk)
        except _TooBig:
            _add(run, "PKG002", f"part {name!r} inflates beyond its declared size or the size limit", name)
            names.pop(name, None)
            return None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            import zlib  # noqa: F401
            _add(run, "PKG001", f"part {name!r} cannot be read: {str(exc) or type(exc).__name__}", name)
            names.pop(name, None)
            return None
        except Exception as exc:
            _add(run, "PKG001", f"part {name!r} cannot be read: {str(exc) or type(exc).__name__}", name)
            names.pop(name, None)
            return None
        budget[0] -= size
        return b"".join(chunks)

    # [Content_Types].xml
    ct = read("[Content_Types].xml")
    if ct is None:
        if "[Content_Types].xml" not in refused:
            _add(run, "PKG004", "found no [Content_Types].xml, expected one at the package root")
    elif _parse_xml(ct, limits) is None:
        _add(run, "PKG004", "[Content_Types].xml is not well-formed XML", "[Content_Types].xml")

    # package relationships
    external: list[tuple[str, str]] = []
    rels = _relationships(run, read, "_rels/.rels", limits, external)
    if rels is None:
        _add(run, "PKG005", "found no _rels/.rels, expected the package relationships")
        _abort(run, t0, "no package relationships")
        return
    for rtype, target in rels:
        if rtype == _THUMBNAIL:
            part = _resolve("", target)
            if part not in names:
                _add(run, "PKG009", f"found thumbnail target {target!r}, which is not in the package")
    origins = [(t, target) for t, target in rels if t in (_NS_NEW + "aasx-origin", _NS_OLD + "aasx-origin")]
    if not origins:
        ext = [target for t, target in external if t in (_NS_NEW + "aasx-origin", _NS_OLD + "aasx-origin")]
        _add(run, "PKG006", f"found the aasx-origin relationship in _rels/.rels only with TargetMode=\"External\" "
                            f"(target {ext[0]!r}), expected an internal target (a part of the package)" if ext else
                            f"found no relationship of type {_NS_NEW}aasx-origin in _rels/.rels")
        _abort(run, t0, "no aasx-origin relationship")
        return
    spec_parts: list[str] = []
    for rtype, target in origins:
        if rtype.startswith(_NS_OLD):
            _add(run, "PKG010", f"found relationship type {rtype}, expected {_NS_NEW}aasx-origin")
        origin = _resolve("", target)
        if origin not in names:
            _add(run, "PKG006", f"found origin target {target!r}, which is not in the package")
            continue
        origin_rels_name = posixpath.join(posixpath.dirname(origin), "_rels", posixpath.basename(origin) + ".rels")
        orels = _relationships(run, read, origin_rels_name, limits, external) or []
        for otype, otarget in orels:
            if otype in (_NS_NEW + "aas-spec", _NS_OLD + "aas-spec"):
                if otype.startswith(_NS_OLD):
                    _add(run, "PKG010", f"found relationship type {otype}, expected {_NS_NEW}aas-spec",
                         origin_rels_name)
                spec = _resolve(posixpath.dirname(origin), otarget)
                if spec not in names:
                    _add(run, "PKG007", f"found aas-spec target {otarget!r}, which is not in the package",
                         origin_rels_name)
                else:
                    spec_parts.append(spec)
    if not spec_parts:
        ext = [target for t, target in external if t in (_NS_NEW + "aas-spec", _NS_OLD + "aas-spec")]
        if not any(f.code == "PKG007" for f in run.findings):
            _add(run, "PKG007", f"found the aas-spec relationship only with TargetMode=\"External\" (target "
                                f"{ext[0]!r}), expected an internal target (a part of the package)" if ext else
                                "found no aas-spec relationship from the origin part, expected at least one")
        _abort(run, t0, "no AAS spec part")
        return
    run.ran(Layer.PACKAGE, t0)

    from . import _Guard, validate_document
    if collect_parts is None and run.opts.profile is not None:
        from ..profiles import PackageView
        xml_parts = {n: d for n in names if n == "[Content_Types].xml" or n.endswith(".rels")
                     if (d := read(n)) is not None}
        run.package_view = PackageView(frozenset(names), xml_parts)
    for spec in sorted(set(spec_parts)):
        data_part = read(spec)
        if data_part is None:
            continue
        fmt = _read.sniff_format(data_part)
        if collect_parts is not None:
            collect_parts.append((spec, data_part))
            continue
        if fmt not in ("json", "xml"):
            _add(run, "PKG007", f"aas-spec part {spec!r} is neither JSON nor XML", spec)
            continue
        doc = validate_document(run, data_part, fmt, f"{run.label}!/{spec}")
        if doc is not None:
            with _Guard(run, Layer.PACKAGE, f"{run.label}!/{spec}"):
                for parts, value in _file_targets(doc):
                    part_name = _package_part(value)
                    if part_name is not None and part_name not in names and part_name not in refused:
                        _add(run, "PKG008", f"found File value {value!r}, which is not a part of the package", None,
                             _paths.model_path(doc, parts))
    zf.close()


def _abort(run: _Run, t0: float, reason: str = "package limits exceeded") -> None:
    run.ran(Layer.PACKAGE, t0)
    for layer in (Layer.SCHEMA, Layer.DESERIALIZE, Layer.METAMODEL, Layer.TEMPLATE):
        run.skip(layer, reason)


def _parse_xml(data: bytes, limits: _read.Limits) -> Any:
    tree, problem = _read.parse_xml(data, limits)
    return None if problem else tree


def _relationships(run: _Run, read: Any, name: str, limits: _read.Limits,
                   external: list[tuple[str, str]] | None = None) -> list[tuple[str, str]] | None:
    """Internal relationships (type, target) of a relationships part; external ones go to ``external``."""
    data = read(name)
    if data is None:
        return None
    tree = _parse_xml(data, limits)
    if tree is None:
        _add(run, "PKG005", f"{name} is not well-formed XML (or has a DTD)", name)
        return []
    out = []
    for rel in tree.getroot():
        if not isinstance(rel.tag, str) or not rel.tag.endswith("Relationship"):
            continue
        if rel.get("TargetMode") == "External":
            if external is not None:
                external.append((rel.get("Type") or "", rel.get("Target") or ""))
            continue
        rtype, target = rel.get("Type"), rel.get("Target")
        if rtype and target:
            out.append((rtype, target))
    return out


def _resolve(base_dir: str, target: str) -> str:
    target = unquote(target)
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(base_dir, target)).lstrip("/")


def _package_part(value: str) -> str | None:
    """The part name a File value points to, or None for external URIs."""
    try:
        parsed = urlparse(value)
    except ValueError:  # e.g. an unbalanced IPv6 bracket: not a package part (the metamodel layer judges the value)
        return None
    if parsed.scheme and len(parsed.scheme) > 1 and parsed.scheme not in ("file",):
        return None
    path = unquote(parsed.path if parsed.scheme else value)
    if not path:
        return None
    return posixpath.normpath("/" + path).lstrip("/")


def _file_targets(doc: Any) -> list[tuple[list[Any], str]]:
    """(pointer parts, value) of every File value and default thumbnail path (the model path is made only for
    a finding: most values are URLs, not package parts)."""
    out: list[tuple[list[Any], str]] = []
    submodels = doc.get("submodels") if isinstance(doc, dict) else None
    for si, sm in enumerate(submodels if isinstance(submodels, list) else []):
        if not isinstance(sm, dict):
            continue
        for el, parts, _ in iter_elements(sm, ["submodels", si]):
            if el.get("modelType") == "File" and isinstance(el.get("value"), str) and el["value"]:
                out.append(([*parts, "value"], el["value"]))
    shells = doc.get("assetAdministrationShells") if isinstance(doc, dict) else None
    for ai, aas in enumerate(shells if isinstance(shells, list) else []):
        info = aas.get("assetInformation") if isinstance(aas, dict) else None
        thumb = info.get("defaultThumbnail") if isinstance(info, dict) else None
        if isinstance(thumb, dict) and isinstance(thumb.get("path"), str) and thumb["path"]:
            out.append((["assetAdministrationShells", ai, "assetInformation", "defaultThumbnail", "path"],
                        thumb["path"]))
    return out


def spec_parts(data: bytes, limits: _read.Limits) -> list[tuple[str, bytes]]:
    """The AAS spec parts of a package, for reading a template file (``ReadError`` if there are none)."""
    from ..errors import ReadError

    class _Collect:
        def __init__(self) -> None:
            self.findings: list[Any] = []
            self.layers: dict[str, Any] = {}
            self.version = None
            self.label = "template"
            self.format = "aasx"
            self.opts = type("O", (), {"limits": limits})()
            self.parts: list[tuple[str, bytes]] = []

        def skip(self, layer: Any, reason: str, incomplete: bool = False) -> None:
            pass

        def ran(self, layer: Any, t0: float, reason: str | None = None) -> None:
            pass

    collector = _Collect()
    validate_package(collector, data, collect_parts=collector.parts)  # type: ignore[arg-type]
    errors = [f for f in collector.findings if f.code in ("PKG001", "PKG002", "PKG003", "PKG005", "PKG006", "PKG007")]
    if not collector.parts:
        raise ReadError("template package has no readable AAS spec part" +
                        (f": {errors[0].message}" if errors else ""))
    return collector.parts
