"""A complete Asset Administration Shell for one machine of a process.

Composition is data too: the process model's submodels, IDTA 02006 Digital Nameplate and IDTA 02003
Technical Data (whose TechnicalPropertyAreas item receives the process's type-level properties) are
merged into one spec, built by the generic builder, and referenced from the shell. Which companion
submodels fit a process, and the example Nameplate / Technical Data of its machine, are data as well:
``models/_shells.json``.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from basyx.aas import model

from ..errors import ValuesError
from ..spec import ElementSpec, ModelSpec, load_model
from .builder import BuiltModel, Kind, asset_id_problem, build_instance, build_template, default_asset_id
from .refs import names, texts

NAMEPLATE = ("idta-nameplate", "3.0")
TECHNICAL_DATA = ("idta-technical-data", "2.0")
# after the process submodels: ISO 22400-2 variables (IDTA 02066), the KPIs computed from them, time series
# and quality results (IDTA 02049); in an instance each appears only when the values (or the examples) fill it
COMPANIONS = (("idta-pvm", "1.0"), ("manufacturing-kpis", "1.0"), ("idta-time-series", "1.1"),
              ("idta-quality-control", "1.0"))
PVM_ID_SHORT = "ProcessVariablesForManufacturingKPICalculation"
KPI_ID_SHORT = "ManufacturingKPIs"
PROPERTY_AREA_ITEM = "0173-1#02-ABL358#002/0173-1#01-AHX773#002"
SHELLS_FILE = "_shells.json"


@lru_cache(maxsize=1)
def _shell_data() -> dict[str, Any]:
    from ..resources import models_dir

    data: dict[str, Any] = json.loads((models_dir() / SHELLS_FILE).read_text(encoding="utf-8"))
    return data


def companions_of(process: str) -> tuple[tuple[str, str], ...]:
    """(model, version) of the companion submodels that fit the process (all but IDTA 02049 Quality Control
    for Machining for a process without an entry in ``models/_shells.json``)."""
    entry = _shell_data().get(process)
    names = entry["companions"] if entry else [m for m, _ in COMPANIONS if m != "idta-quality-control"]
    return tuple(mv for mv in COMPANIONS if mv[0] in names)


def shell_examples(process: str) -> dict[str, Any]:
    """The example Nameplate and TechnicalData values of the process's machine (nested, keyed by idShort)."""
    entry = _shell_data().get(process)
    return dict(entry["examples"]) if entry else {}


def shell_spec(process: ModelSpec) -> ModelSpec:
    """The process model with Nameplate, TechnicalData and the companions that fit the process, as one spec."""
    nameplate = load_model(*NAMEPLATE, base_iri=process.base_iri)
    technical = load_model(*TECHNICAL_DATA, base_iri=process.base_iri)
    companions = [load_model(*mv, base_iri=process.base_iri) for mv in companions_of(process.model)]
    td = technical.submodels[0]
    td = dataclasses.replace(td, elements=tuple(_with_properties(e, process.technical_properties) for e in td.elements))
    return dataclasses.replace(
        process, submodels=(*nameplate.submodels, td, *process.submodels,
                            *(sm for c in companions for sm in c.submodels)),
        sources=(*process.sources, *nameplate.sources, *technical.sources, *(s for c in companions for s in c.sources)),
    )


def _with_kpis(spec: ModelSpec, values: Mapping[str, Any] | None, asset_id: str,
               variant: str | None = None) -> dict[str, Any]:
    """The values, with the ManufacturingKPIs computed from the PVM variables unless the values give KPIs.

    ``ManufacturingKPIs.CalculationPeriod`` (the period the variables cover) is taken from the values.
    """
    from ..kpi import compute_kpis, kpi_values
    from . import values as V

    flat = _examples(spec, variant) if values is None else V.flatten(values, V.index_spec(spec))[0]
    given = {k for k in flat if k.startswith(KPI_ID_SHORT + ".")} - {f"{KPI_ID_SHORT}.CalculationPeriod"}
    if values is None or given or not any(k.startswith(PVM_ID_SHORT + ".") for k in flat):
        return flat
    if f"{KPI_ID_SHORT}.CalculationPeriod" not in flat:
        return flat  # variables without a period: no KPIs (the period is mandatory in ManufacturingKPIs)
    pvm_spec = dataclasses.replace(spec, submodels=(spec.submodel(PVM_ID_SHORT),))
    pvm = build_instance(pvm_spec, {k: v for k, v in flat.items() if k.startswith(PVM_ID_SHORT + ".")},
                         asset_id=asset_id).submodels[0]
    period = flat.get(f"{KPI_ID_SHORT}.CalculationPeriod")
    start_end = (period.get("min"), period.get("max")) if isinstance(period, Mapping) else None
    kpis = compute_kpis(pvm, period=start_end)  # type: ignore[arg-type]
    return {**{k: v for k, v in flat.items() if not k.startswith(KPI_ID_SHORT + ".")}, **kpi_values(kpis)}


def _examples(spec: ModelSpec, variant: str | None = None) -> dict[str, Any]:
    """The spec's examples, with the machine's own Nameplate / TechnicalData examples of ``models/_shells.json``
    in place of the generic ones (the TechnicalPropertyAreas keep the process model's examples)."""
    from . import values as V

    flat = V.example_values(spec, variant)
    own, _ = V.flatten(shell_examples(spec.model), V.index_spec(spec))
    if not own:
        return flat
    replaced = ("Nameplate.", "TechnicalData.")
    kept = {k: v for k, v in flat.items()
            if not k.startswith(replaced) or k.startswith("TechnicalData.TechnicalPropertyAreas")}
    return {**kept, **own}


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
    allow_any_source: bool = False,
    timezone: str | datetime.tzinfo | None = None,
    variant: str | None = None,
) -> BuiltModel:
    """The AAS of one machine: shell + Nameplate + TechnicalData + process submodels + ConceptDescriptions,
    and the companions PVM, ManufacturingKPIs, TimeSeries and QualityControlForMachining.

    ``values`` are keyed by idShort path from the submodel (``Nameplate.SerialNumber``, ``ProcessData.CycleTime``);
    None fills in the examples (every submodel; Nameplate and TechnicalData describe a typical machine of the
    process). Companions appear only where they fit the process (``models/_shells.json``: Quality Control for
    Machining only in a machining shell). ``attachments_dir``, ``allow_any_source`` and ``timezone``: as in
    ``build_instance``. In an instance a companion appears when the values fill it;
    ManufacturingKPIs are computed from the PVM variables when the values give the PVM and
    ``ManufacturingKPIs.CalculationPeriod`` but no KPI. ``thumbnail`` is the package path of the default thumbnail.
    ``variant``: which of the process's exclusive variants the example record is (as in ``build_instance``).
    """
    spec = shell_spec(process)
    asset = default_asset_id(process) if asset_id is None else asset_id
    problem = asset_id_problem(asset)
    if problem:
        raise ValuesError(f"values for {process.key}", [("asset_id", problem)])
    if kind == "template":
        built = build_template(spec)
    else:
        if variant is not None and values is not None:
            raise ValuesError(f"values for {process.key}", [("variant", "a variant picks example values: give values "
                                                                        "or a variant, not both")])
        try:
            flat = _with_kpis(spec, values, asset, variant)
        except ValueError as exc:
            raise ValuesError(f"values for {process.key}", [("variant", str(exc))]) from None
        filled = {key.partition(".")[0].partition("[")[0] for key in flat}
        companions = {sm.id_short for mv in COMPANIONS for sm in load_model(*mv, base_iri=process.base_iri).submodels}
        spec = dataclasses.replace(spec, submodels=tuple(
            sm for sm in spec.submodels if sm.id_short not in companions or sm.id_short in filled))
        built = build_instance(spec, flat, asset_id=asset, attachments_dir=attachments_dir,
                               allow_any_source=allow_any_source, timezone=timezone)
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
