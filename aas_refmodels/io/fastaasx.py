"""basyx's AASXWriter with the environment part serialized by :mod:`.fastjson` / :mod:`.fastxml`: the same bytes.

basyx writes the part with ``write_aas_json_file(TextIOWrapper(part), objects)`` (``json.dump`` without indent:
Python's pure-Python encoder, one write per token, the class table rebuilt for every object) or
``write_aas_xml_file(part, objects)``. :class:`AASXWriter` overrides ``write_all_aas_objects`` only to put those
bytes there from the fast writers; the collection of supplementary files and the relationships are basyx's steps,
unchanged (tests compare the part with basyx's on every packaged model).
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable
from typing import Any

from basyx.aas import model
from basyx.aas.adapter import aasx
from basyx.aas.util import traversal
from lxml import etree
from pyecma376_2.package_model import OPCRelationship, OPCTargetMode, normalize_part_name

from .fastjson import aas_json
from .fastxml import environment_element


def part_bytes(objects: model.AbstractObjectStore[Any, Any], write_json: bool) -> bytes:
    """What basyx's AASXWriter writes into the environment part (JSON: no indent, ASCII; XML: not pretty-printed)."""
    if write_json:
        return aas_json(objects, indent=None, ensure_ascii=True).encode("utf-8")
    buf = io.BytesIO()
    etree.ElementTree(environment_element(objects)).write(buf, encoding="UTF-8", xml_declaration=True, method="xml")
    return buf.getvalue()


class AASXWriter(aasx.AASXWriter):
    """basyx's writer; the environment part comes from :func:`part_bytes`."""

    def write_all_aas_objects(  # basyx's method, step for step
        self,
        part_name: str,
        objects: model.AbstractObjectStore[Any, Any],
        file_store: aasx.AbstractSupplementaryFileContainer,
        write_json: bool = False,
        split_part: bool = False,
        additional_relationships: Iterable[OPCRelationship] = (),
    ) -> None:
        logger = aasx.logger
        logger.debug(f"Writing AASX part {part_name} with AAS objects ...")
        supplementary_files: list[str] = []

        def _collect_supplementary_file(file_name: str | None) -> None:
            if file_name is None or file_name.startswith("//") or ":" in file_name.split("/")[0]:
                return
            supplementary_files.append(file_name)

        for the_object in objects:
            if isinstance(the_object, model.AssetAdministrationShell):
                thumb = the_object.asset_information.default_thumbnail
                if thumb and thumb.path:
                    _collect_supplementary_file(thumb.path)
            if isinstance(the_object, model.Submodel):
                for element in traversal.walk_submodel(the_object):
                    if isinstance(element, model.File) and element.value:
                        _collect_supplementary_file(element.value)

        if not split_part:
            self._aas_part_names.append(part_name)

        data = part_bytes(objects, write_json)
        with self.writer.open_part(part_name, "application/json" if write_json else "application/xml") as p:
            p.write(data)

        supplementary_file_names = []
        for file_name in supplementary_files:
            try:
                content_type = file_store.get_content_type(file_name)
                digest = file_store.get_sha256(file_name)
            except KeyError:
                if self.failsafe:
                    logger.warning(f"Could not find file {file_name} in FileStore.")
                    continue
                raise KeyError(f"Could not find file {file_name} in FileStore.") from None
            if self._supplementary_part_names.get(file_name) == digest:
                continue
            if file_name in self._supplementary_part_names:
                if self.failsafe:
                    logger.error(f"Trying to write supplementary file {file_name} to AASX "
                                 f"twice with different contents")
                else:
                    raise ValueError(f"Trying to write supplementary file {file_name} to AASX twice with"
                                     f" different contents")
            logger.debug(f"Writing supplementary file {file_name} to AASX package ...")
            with self.writer.open_part(file_name, content_type) as p:
                file_store.write_file(file_name, p)
            supplementary_file_names.append(normalize_part_name(file_name))
            self._supplementary_part_names[file_name] = digest

        logger.debug(f"Writing aas-suppl relationships for AAS object part {part_name} to AASX package ...")
        self.writer.write_relationships(
            itertools.chain(
                (OPCRelationship(f"r{i}", aasx.RELATIONSHIP_TYPE_AAS_SUPL, name,
                                             OPCTargetMode.INTERNAL)
                 for i, name in enumerate(supplementary_file_names)),
                additional_relationships,
            ),
            part_name,
        )
