"""Limits for untrusted input: safe XML parsing and zip (AASX) checks before anything is extracted."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import Any

from ..errors import ReadError


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 512 * 1024 * 1024
    max_unzipped_bytes: int = 1024 * 1024 * 1024
    max_ratio: float = 200.0  # uncompressed / compressed of one member
    max_members: int = 10_000


DEFAULT_LIMITS = Limits()


def safe_xml_parser() -> Any:
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_blank_text=True, remove_comments=True)


def reject_dtd(data: bytes) -> None:
    """DTDs (and with them entity definitions) are refused: AAS documents never need them."""
    from lxml import etree

    try:
        root = etree.fromstring(data, safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        raise ReadError(f"malformed XML: {exc}") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ReadError("XML with a DTD (document type declaration) is not accepted")


def check_zip(zf: zipfile.ZipFile, limits: Limits = DEFAULT_LIMITS) -> None:
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise ReadError(f"package has {len(infos)} parts, more than the limit of {limits.max_members}")
    total = 0
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or ":" in name.split("/")[0]:
            raise ReadError(f"package part name {name!r} is absolute or leaves the package")
        total += info.file_size
        if info.compress_size and info.file_size / info.compress_size > limits.max_ratio and info.file_size > 1 << 20:
            raise ReadError(f"package part {name!r} expands {info.file_size / info.compress_size:.0f}-fold (zip bomb?)")
    if total > limits.max_unzipped_bytes:
        raise ReadError(f"package expands to {total} bytes, more than the limit of {limits.max_unzipped_bytes}")
