"""Serialize to JSON, XML or AASX in metamodel V3.1 (basyx) or V3.0 (aas-core3.0); never a partial file."""

from __future__ import annotations

import contextlib
import datetime
import io
import logging
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from basyx.aas import model

from ..errors import ValuesError
from .atomic import atomic_write_bytes, check_target
from .versions import SpecVersion, to_jsonable, v30_json_bytes, v30_xml_bytes

Format = Literal["json", "xml", "aasx"]
FORMATS: tuple[Format, ...] = ("aasx", "json", "xml")


@dataclass(frozen=True)
class Thumbnail:
    path: str  # package path, e.g. "/aasx/thumbnail.png"
    data: bytes
    content_type: str = "image/png"


def format_of(path: Path) -> Format:
    suffix = path.suffix.lower().lstrip(".")
    for fmt in FORMATS:
        if suffix == fmt:
            return fmt
    raise ValueError(f"cannot tell the format of {path.name!r}: use .aasx, .json or .xml")


def serialize(objects: Iterable[model.Identifiable], fmt: Literal["json", "xml"], spec_version: SpecVersion = "3.1",
              ) -> bytes:
    """One environment as JSON or XML bytes."""
    store: model.DictIdentifiableStore[model.Identifiable] = model.DictIdentifiableStore(objects)
    if spec_version == "3.0":
        env = to_jsonable(store)
        return v30_json_bytes(env) if fmt == "json" else v30_xml_bytes(env)
    if fmt == "json":  # the bytes of basyx's write_aas_json_file(indent=2, ensure_ascii=False), faster
        from .fastjson import aas_json

        return aas_json(store).encode("utf-8")
    from .fastxml import aas_xml  # the bytes of basyx's write_aas_xml_file(pretty_print=True), faster

    return _drop_empty_blob_values(aas_xml(store))


def _drop_empty_blob_values(data: bytes) -> bytes:
    """basyx 2.2.0 writes ``<value/>`` for a Blob without value (a template's Blob), which the XSD and aas-core
    reject as an empty base64 value; the element is optional, so it is left out."""
    if b"<aas:blob>" not in data:
        return data
    from lxml import etree

    ns = "https://admin-shell.io/aas/3/1"
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True))
    for value in root.iterfind(f".//{{{ns}}}blob/{{{ns}}}value"):
        parent = value.getparent()
        if parent is not None and not (value.text or "").strip():
            parent.remove(value)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def write(
    objects: Iterable[model.Identifiable],
    target: Path | str,
    fmt: Format | None = None,
    *,
    spec_version: SpecVersion = "3.1",
    attachments: Mapping[str, Path | bytes] | None = None,
    thumbnail: Thumbnail | None = None,
    aasx_part: Literal["json", "xml"] = "json",
    title: str | None = None,
    create_parents: bool = False,
) -> Path:
    """Write the objects to ``target`` (format from the suffix unless given); returns the path written.

    The write is atomic (``io.atomic``): a missing folder is a ``WriteError`` unless ``create_parents``; the file
    gets the umask's mode (or keeps the mode of the file it replaces); non-regular targets are refused.
    """
    target = Path(target)
    if not create_parents:
        check_target(target)  # before the work of serializing: a missing folder or a device fails fast
    fmt = fmt or format_of(target)
    objs = list(objects)
    if fmt == "aasx":
        data = aasx_bytes(objs, spec_version=spec_version, attachments=attachments or {}, thumbnail=thumbnail,
                          part_format=aasx_part, title=title)
    else:
        data = serialize(objs, fmt, spec_version)
    atomic_write_bytes(target, data, create_parents=create_parents)
    return target


def aasx_bytes(
    objects: list[model.Identifiable],
    *,
    spec_version: SpecVersion = "3.1",
    attachments: Mapping[str, Path | bytes],
    thumbnail: Thumbnail | None = None,
    part_format: Literal["json", "xml"] = "json",
    title: str | None = None,
) -> bytes:
    """An AASX package: every object in one spec part, the File targets, the thumbnail, core properties."""
    import pyecma376_2
    from basyx.aas.adapter import aasx

    from . import fastaasx

    store: model.DictIdentifiableStore[model.Identifiable] = model.DictIdentifiableStore(objects)
    files = aasx.DictSupplementaryFileContainer()  # type: ignore[no-untyped-call]
    missing = sorted(p for p in _package_files(objects) if p not in attachments and
                     not (thumbnail and p == thumbnail.path))
    if missing:
        raise ValuesError("File elements point to package files whose content was not given",
                          [(p, "no content for this package file") for p in missing])
    for name, content in sorted(attachments.items()):
        data = content if isinstance(content, bytes) else Path(content).read_bytes()
        files.add_file(name, io.BytesIO(data), _content_type(objects, name))
    part = f"/aasx/data.{part_format}"
    buf = io.BytesIO()
    # The shell's default thumbnail is written once, as the OPC package thumbnail; basyx would also look for it
    # among the supplementary files. All File targets were checked above, so only that lookup is tolerated.
    # basyx's AASXWriter, with the environment part from the fast JSON/XML writers (the same bytes)
    with fastaasx.AASXWriter(buf, failsafe=thumbnail is not None) as writer, _quiet_thumbnail_lookup(thumbnail):
        writer.write_all_aas_objects(part, store, files, write_json=part_format == "json")
        props = pyecma376_2.OPCCoreProperties()  # type: ignore[attr-defined,no-untyped-call]
        props.creator = "aas-refmodels"
        props.created = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        props.title = title
        props.version = f"AAS metamodel V{spec_version}"
        writer.write_core_properties(props)
        if thumbnail is not None:
            writer.write_thumbnail(thumbnail.path, bytearray(thumbnail.data), thumbnail.content_type)
    data = buf.getvalue()
    if spec_version == "3.0":
        env = to_jsonable(store)
        body = v30_json_bytes(env) if part_format == "json" else v30_xml_bytes(env)
        data = _replace_member(data, part.lstrip("/"), body)
    return data


@contextlib.contextmanager
def _quiet_thumbnail_lookup(thumbnail: Thumbnail | None) -> Iterator[None]:
    logger = logging.getLogger("basyx.aas.adapter.aasx")

    def drop(record: logging.LogRecord) -> bool:
        return not (thumbnail and thumbnail.path in record.getMessage() and record.levelno == logging.WARNING)

    logger.addFilter(drop)
    try:
        yield
    finally:
        logger.removeFilter(drop)


def _package_files(objects: Iterable[model.Identifiable]) -> set[str]:
    from basyx.aas.util import traversal

    found: set[str] = set()
    for obj in objects:
        if isinstance(obj, model.Submodel):
            for el in traversal.walk_submodel(obj):
                if isinstance(el, model.File) and el.value and el.value.startswith("/"):
                    found.add(el.value)
        if isinstance(obj, model.AssetAdministrationShell):
            thumb = obj.asset_information.default_thumbnail
            if thumb is not None and thumb.path.startswith("/"):
                found.add(thumb.path)
    return found


def _content_type(objects: Iterable[model.Identifiable], name: str) -> str:
    from basyx.aas.util import traversal

    for obj in objects:
        if isinstance(obj, model.Submodel):
            for el in traversal.walk_submodel(obj):
                if isinstance(el, model.File) and el.value == name and el.content_type:
                    return el.content_type
    return "application/octet-stream"


def _replace_member(package: bytes, member: str, body: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, body if info.filename == member else src.read(info))
    return out.getvalue()


def env_json_of(objects: Iterable[model.Identifiable]) -> dict[str, Any]:
    return to_jsonable(model.DictIdentifiableStore(objects))
