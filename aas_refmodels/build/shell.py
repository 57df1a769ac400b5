"""A complete Asset Administration Shell for one machine of a process.

Composition is data too: the process model's submodels, IDTA 02006 Digital Nameplate and IDTA 02003
Technical Data (whose TechnicalPropertyAreas item receives the process's type-level properties) are
merged into one spec, built by the generic builder, and referenced from the shell.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from basyx.aas import model

from ..spec import ElementSpec, ModelSpec, load_model
from .builder import BuiltModel, Kind, build_instance, build_template, default_asset_id
from .refs import names, texts

NAMEPLATE = ("idta-nameplate", "3.0")
TECHNICAL_DATA = ("idta-technical-data", "2.0")
PROPERTY_AREA_ITEM = "0173-1#02-ABL358#002/0173-1#01-AHX773#002"


def shell_spec(process: ModelSpec) -> ModelSpec:
    """The process model plus Nameplate and TechnicalData, as one spec (same base IRI)."""
    nameplate = load_model(*NAMEPLATE, base_iri=process.base_iri)
    technical = load_model(*TECHNICAL_DATA, base_iri=process.base_iri)
    td = technical.submodels[0]
    td = dataclasses.replace(td, elements=tuple(_with_properties(e, process.technical_properties) for e in td.elements))
    return dataclasses.replace(
        process, submodels=(*nameplate.submodels, td, *process.submodels),
        sources=(*process.sources, *nameplate.sources, *technical.sources),
    )


def _with_properties(e: ElementSpec, props: tuple[ElementSpec, ...]) -> ElementSpec:
    """Put the process's technical properties into the TechnicalPropertyAreas item (replacing the placeholders)."""
    if e.item is not None and e.item.semantic_id == PROPERTY_AREA_ITEM and props:
        return dataclasses.replace(e, item=dataclasses.replace(e.item, children=props))
    if e.children:
        return dataclasses.replace(e, children=tuple(_with_properties(c, props) for c in e.children))
    return e


def build_shell(
    process: ModelSpec,
    *,
    kind: Kind = "instance",
    values: Mapping[str, Any] | None = None,
    asset_id: str | None = None,
    asset_kind: str = "Instance",
    thumbnail: str | None = None,
    thumbnail_content_type: str = "image/png",
    attachments_dir: Path | None = None,
) -> BuiltModel:
    """The AAS of one machine: shell + Nameplate + TechnicalData + process submodels + ConceptDescriptions.

    ``values`` are keyed by idShort path from the submodel (``Nameplate.SerialNumber``, ``ProcessData.CycleTime``);
    None fills in the examples. ``thumbnail`` is the package path of the shell's default thumbnail.
    """
    spec = shell_spec(process)
    asset = asset_id or default_asset_id(process)
    built = build_template(spec) if kind == "template" else build_instance(
        spec, values, asset_id=asset, attachments_dir=attachments_dir)
    info = model.AssetInformation(
        asset_kind=model.AssetKind.TYPE if asset_kind == "Type" or kind == "template" else model.AssetKind.INSTANCE,
        global_asset_id=asset,
        default_thumbnail=model.Resource(thumbnail, thumbnail_content_type) if thumbnail else None,
    )
    shell = model.AssetAdministrationShell(
        asset_information=info,
        id_=f"{asset.rstrip('/')}/aas",
        id_short=_id_short(process.model),
        display_name=names({k: f"{v} AAS" for k, v in process.name.items()}),
        description=texts(process.definition),
        submodel={model.ModelReference.from_referable(sm) for sm in built.submodels},
    )
    return BuiltModel(spec, built.kind, built.submodels, built.concept_descriptions, built.attachments, [shell])


def _id_short(model_name: str) -> str:
    return "".join(part.capitalize() for part in model_name.split("-")) + "AAS"
