"""A KOSMO submission-ready type shell: our shell composed by the profile's table, then the profile's repairs.

The composition (``profiles/kosmo.yaml`` ``composition``): DigitalNameplate (our Nameplate), HandoverDocumentation
(IDTA 02004-2-0-1), TechnicalData, OperationalData (our ProcessData: the process's actual values),
ProcessParameters, ManufacturingKPIs, the PVM variables (IDTA 02066) and TimeSeries: 8 submodels, kind Template *and* filled with the example
values (or the user's). AAS assetKind Type; ids ``{iriBase}/aas/{Equipment}/1/0`` and
``{iriBase}/sm/{Equipment}/{Submodel}/{version}/{revision}`` (``base_iri`` wins over the policy's iriBase);
semanticIds and ConceptDescriptions by :func:`aas_refmodels.fix.kosmo.repair` (own ids first, the originals
kept as supplementalSemanticIds and isCaseOf; under ``iriConflict=idta-preserve`` IDTA IRIs stay).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from basyx.aas import model

from ..fix import Ledger
from ..spec import load_model
from .builder import build_instance
from .shell import build_shell

THUMBNAIL_PATH = "/aasx/thumbnail.png"
HANDOVER = ("idta-handover-documentation", "2.0")


@dataclass
class KosmoShell:
    objects: list[model.Identifiable]
    attachments: dict[str, Path]
    thumbnail: tuple[str, bytes, str]            # package path, data, content type
    ledger: Ledger
    policy: dict[str, Any] = field(default_factory=dict)


def _to_jsonable(objects: list[model.Identifiable]) -> dict[str, Any]:
    from basyx.aas.adapter.json import write_aas_json_file

    buf = io.StringIO()
    write_aas_json_file(buf, model.DictIdentifiableStore(objects))
    doc: dict[str, Any] = json.loads(buf.getvalue())
    return doc


def from_jsonable(doc: Mapping[str, Any]) -> list[model.Identifiable]:
    """basyx objects of a jsonable environment, read strictly (failsafe=False)."""
    from basyx.aas.adapter.json import read_aas_json_file

    store = read_aas_json_file(io.StringIO(json.dumps(doc)), failsafe=False)
    return list(store)


def equipment_name(asset_id: str, fallback: str) -> str:
    """The asset id's last path segment as an id segment (letters, digits, '_', '-'), else ``fallback``."""
    seg = re.sub(r"[^A-Za-z0-9_-]", "", asset_id.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1])
    return seg if seg[:1].isalpha() else fallback


def _split_values(values: Mapping[str, Any] | None, renames: Mapping[str, str],
                  ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(shell values with KOSMO submodel names mapped back to ours, HandoverDocumentation values)."""
    if values is None:
        return None, None
    shell: dict[str, Any] = {}
    hd: dict[str, Any] = {}
    for key, value in values.items():
        head = re.split(r"[.\[]", key, maxsplit=1)[0]
        rest = key[len(head):]
        if head == "HandoverDocumentation":
            hd[key] = value
        else:
            shell[renames.get(head, head) + rest] = value
    return shell, (hd or None)


def build_kosmo_shell(process: str, *, asset_id: str | None = None, values: Mapping[str, Any] | None = None,
                      policy: Mapping[str, Any] | str | Path | None = None, base_iri: str | None = None,
                      thumbnail: tuple[bytes, str] | None = None, attachments_dir: Path | None = None,
                      version: str | None = None) -> KosmoShell:
    """The submission-ready type shell of ``process`` (raises ``ValuesError`` / ``PolicyError`` on bad input)."""
    from .. import profiles
    from ..fix.kosmo import repair
    from ..io.png import default_thumbnail

    prof, pol = profiles.resolve("kosmo", policy)
    root = (base_iri or pol["iriBase"]).rstrip("/")
    pol = {**pol, "iriBase": root}   # --base-iri wins: own ids there (validate with the same iriBase policy)
    spec = load_model(process, version, base_iri=root + "/")
    comp = prof.data["composition"]["submodels"]
    ours_to_kosmo = {e["from"]: e["idShort"] for e in comp}
    kosmo_to_ours = {v: k for k, v in ours_to_kosmo.items()}
    shell_values, hd_values = _split_values(values, kosmo_to_ours)
    process_name = "".join(p.capitalize() for p in spec.model.split("-"))
    asset = asset_id or f"{root}/asset/{process_name}/1/0"   # V's convention {iriBase}/asset/{name}/{v}/{r}
    png, ctype = thumbnail if thumbnail else (default_thumbnail(128, spec.model), "image/png")
    ext = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif"}.get(ctype, ".png")
    thumb_path = THUMBNAIL_PATH[:-4] + ext
    shell = build_shell(spec, kind="instance", values=shell_values, asset_id=asset, asset_kind="Type",
                        thumbnail=thumb_path, thumbnail_content_type=ctype, attachments_dir=attachments_dir)
    hd = build_instance(load_model(*HANDOVER, base_iri=root + "/"), hd_values, asset_id=asset,
                        attachments_dir=attachments_dir)
    doc = _to_jsonable([*shell.objects(), *hd.submodels, *hd.concept_descriptions])
    aas = doc["assetAdministrationShells"][0]

    # composition: KOSMO names, the table's submodels only, in the table's order
    order = [e["idShort"] for e in comp]
    kept = []
    for sm in doc.get("submodels", []):
        sm["idShort"] = ours_to_kosmo.get(sm["idShort"], sm["idShort"])
        if sm["idShort"] in order:
            kept.append(sm)
    kept.sort(key=lambda s: order.index(s["idShort"]))
    doc["submodels"] = kept

    # ids: {root}/aas/{Equipment}/1/0 and {root}/sm/{Equipment}/{Submodel}/{version}/{revision}
    equipment = equipment_name(asset, process_name)
    mapping = {aas["id"]: f"{root}/aas/{equipment}/1/0"}
    aas["id"] = mapping[aas["id"]]
    aas["administration"] = {"version": "1", "revision": "0"}
    for sm in kept:
        adm = sm.get("administration") or {}
        v, r = adm.get("version") or "1", adm.get("revision") or "0"
        sm["administration"] = {**adm, "version": v, "revision": r}
        new = f"{root}/sm/{equipment}/{sm['idShort']}/{v}/{r}"
        mapping[sm["id"]] = new
        sm["id"] = new
    aas["submodels"] = [{"type": "ModelReference", "keys": [{"type": "Submodel", "value": sm["id"]}]} for sm in kept]
    ledger = Ledger()
    from ..fix.kosmo import Repair
    Repair(doc, prof, pol, ledger).rewrite_model_refs(mapping)
    repair(doc, prof, pol, ledger, file_uris=False)  # package paths stay for the writer: see write_kosmo_shell
    attachments = {k: v for k, v in {**shell.attachments, **hd.attachments}.items()}
    return KosmoShell(from_jsonable(doc), attachments, (thumb_path, png, ctype), ledger, pol)


def write_kosmo_shell(shell: KosmoShell, target: Path, fmt: str, *, spec_version: str = "3.1",
                      aasx_part: str = "json", title: str | None = None) -> Path:
    """Write the shell (atomically); File values that are package paths become ``file:///aasx/...`` URIs
    (PKG-FILE-URI) after the package parts are placed (the AASX writer embeds files by package path)."""
    from typing import cast

    from ..fix.package import file_values_as_uris, rewrite, spec_part
    from ..io import Thumbnail
    from ..io.atomic import atomic_path
    from ..io.writer import aasx_bytes, serialize

    if fmt == "aasx":
        data = aasx_bytes(shell.objects, spec_version=cast(Any, spec_version), attachments=shell.attachments,
                          thumbnail=Thumbnail(*shell.thumbnail), part_format=cast(Any, aasx_part), title=title)
        part = spec_part(data)
        if part is not None:
            import zipfile
            body = zipfile.ZipFile(io.BytesIO(data)).read(part)
            data = rewrite(data, replace={part: file_values_as_uris(body, aasx_part)})
    else:
        data = file_values_as_uris(serialize(shell.objects, cast(Any, fmt), cast(Any, spec_version)), fmt)
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return target
