"""Read JSON, XML or AASX (V3.1 or V3.0, detected from the content) strictly into basyx objects."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from basyx.aas import model

from ..errors import ReadError
from .safety import DEFAULT_LIMITS, Limits, check_zip, reject_dtd
from .versions import XML_NAMESPACES, SpecVersion, v30_xml_to_jsonable
from .writer import Format

_NS = re.compile(rb"xmlns(?::\w+)?=[\"'](https://admin-shell\.io/aas/3/[01])[\"']")


@dataclass
class ReadResult:
    store: model.DictIdentifiableStore[model.Identifiable]
    format: Format
    spec_version: SpecVersion | None  # None: JSON, whose form is the same in both versions
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # package path -> (content, content type)
    thumbnail: tuple[str, bytes, str] | None = None


def detect_format(data: bytes) -> Format:
    if data[:4] == b"PK\x03\x04":
        return "aasx"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "xml"
    if head.startswith((b"{", b"[")):
        return "json"
    raise ReadError("neither an AASX package, an XML nor a JSON document")


def xml_version(data: bytes) -> SpecVersion:
    m = _NS.search(data[:8192])
    if not m:
        raise ReadError("XML without the AAS namespace https://admin-shell.io/aas/3/0 or /3/1")
    return XML_NAMESPACES[m.group(1).decode()]


def read(source: Path | str | bytes, *, limits: Limits = DEFAULT_LIMITS) -> ReadResult:
    """Strict read (basyx failsafe=False): anything invalid is a ``ReadError`` with a one-line reason."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            size = path.stat().st_size
            if size > limits.max_file_bytes:
                raise ReadError(f"{path}: {size} bytes, more than the limit of {limits.max_file_bytes}")
            data = path.read_bytes()
        except OSError as exc:
            raise ReadError(f"cannot read {path}: {exc.strerror or exc}") from None
    else:
        data = source
    fmt = detect_format(data)
    try:
        if fmt == "aasx":
            return _read_aasx(data, limits)
        if fmt == "xml":
            version = xml_version(data)
            return ReadResult(_store_from_xml(data, version), "xml", version)
        return ReadResult(_store_from_json(data), "json", None)
    except ReadError:
        raise
    except RecursionError:
        raise ReadError("document is nested too deeply") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ReadError(f"not a valid AAS environment: {_one_line(exc)}") from None


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:500]


def _store_from_json(data: bytes) -> model.DictIdentifiableStore[model.Identifiable]:
    from basyx.aas.adapter.json import read_aas_json_file

    from ..jsontext import JsonTextError, decode_json_text

    try:
        text = decode_json_text(data)
    except JsonTextError as exc:
        raise ReadError(f"JSON is not valid UTF-8: {exc.message}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    if not isinstance(doc, dict) or not set(doc) & {"assetAdministrationShells", "submodels", "conceptDescriptions"}:
        raise ReadError("JSON is not an AAS environment (no assetAdministrationShells, submodels or conceptDescriptions)")
    store: model.DictIdentifiableStore[model.Identifiable] = read_aas_json_file(io.StringIO(text), failsafe=False)
    return store


def _store_from_xml(data: bytes, version: SpecVersion) -> model.DictIdentifiableStore[model.Identifiable]:
    reject_dtd(data)
    if version == "3.0":
        try:
            env = v30_xml_to_jsonable(data)
        except ValueError as exc:
            raise ReadError(f"not a valid V3.0 AAS environment: {exc}") from None
        return _store_from_json(json.dumps(env).encode())
    from basyx.aas.adapter.xml import read_aas_xml_file

    store: model.DictIdentifiableStore[model.Identifiable] = read_aas_xml_file(
        io.BytesIO(data), failsafe=False, resolve_entities=False, no_network=True, load_dtd=False)
    return store


def _read_aasx(data: bytes, limits: Limits) -> ReadResult:
    """Spec parts found through the OPC relationships (basyx), V3.0 XML parts transcoded first."""
    from basyx.aas.adapter import aasx

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        check_zip(zf, limits)
        zf.testzip()
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise ReadError(f"corrupt AASX package: {exc}") from None
    version: SpecVersion | None = None
    for name in zf.namelist():
        if name.lower().endswith(".xml") and not name.startswith(("_rels/", "[Content_Types]", "docProps/")) \
                and "_rels/" not in name:
            head = zf.read(name)[:8192]
            m = _NS.search(head)
            if m:
                version = XML_NAMESPACES[m.group(1).decode()]
                if version == "3.0":
                    data = _transcode_member(data, name)
    store: model.DictIdentifiableStore[model.Identifiable] = model.DictIdentifiableStore()
    files = aasx.DictSupplementaryFileContainer()  # type: ignore[no-untyped-call]
    try:
        with aasx.AASXReader(io.BytesIO(data), failsafe=False) as reader:
            reader.read_into(store, files)
            thumb = reader.get_thumbnail()
    except KeyError as exc:
        raise ReadError(f"AASX package is incomplete: {_one_line(exc)}") from None
    result = ReadResult(store, "aasx", version)
    for name in files:
        buf = io.BytesIO()
        files.write_file(name, buf)
        result.files[name] = (buf.getvalue(), files.get_content_type(name))
    if thumb:
        result.thumbnail = ("/aasx/thumbnail", thumb, "application/octet-stream")
    return result


def _transcode_member(package: bytes, member: str) -> bytes:
    """Rewrite one V3.0 XML spec part as V3.1 XML so that basyx's AASX reader takes it."""
    from .writer import _replace_member, serialize

    src = zipfile.ZipFile(io.BytesIO(package))
    raw = src.read(member)
    store = _store_from_xml(raw, "3.0")
    return _replace_member(package, member, serialize(list(store), "xml", "3.1"))
