"""A known-good KOSMO scaffold (DN/HD/TD/OD + ProcessParameters + HierarchicalStructures, kind Template, own ids)."""

from __future__ import annotations

from typing import Any

BASE = "https://www.smart-factory.kr/ids"
EQ = "TestPress"


def _ref(value: str) -> dict[str, Any]:
    return {"type": "ExternalReference", "keys": [{"type": "GlobalReference", "value": value}]}


def _ls(en: str, ko: str | None = None) -> list[dict[str, str]]:
    return [{"language": "en", "text": en}] + ([{"language": "ko", "text": ko}] if ko else [])


def cd_id(name: str) -> str:
    return f"{BASE}/cd/{name}/1/0"


def _prop(name: str, value: str, vt: str = "xs:string") -> dict[str, Any]:
    return {"modelType": "Property", "idShort": name, "semanticId": _ref(cd_id(name)), "valueType": vt,
            "value": value, "description": _ls(f"The {name}", f"{name} 설명")}


def _cd(name: str, data_type: str = "STRING", unit: str | None = None) -> dict[str, Any]:
    content: dict[str, Any] = {"modelType": "DataSpecificationIec61360", "preferredName": _ls(name, name),
                               "definition": _ls(f"Definition of {name}", f"{name}의 정의"), "dataType": data_type}
    if unit:
        content["unit"] = unit
    return {"modelType": "ConceptDescription", "id": cd_id(name), "idShort": name,
            "embeddedDataSpecifications": [{
                "dataSpecification": {"type": "ExternalReference", "keys": [{
                    "type": "GlobalReference",
                    "value": "https://admin-shell.io/DataSpecificationTemplates/DataSpecificationIec61360/3"}]},
                "dataSpecificationContent": content}]}


def _sm(name: str, elements: list[dict[str, Any]], version: str = "1", revision: str = "0") -> dict[str, Any]:
    sid = f"{BASE}/sm/{EQ}/{name}/{version}/{revision}"
    return {"modelType": "Submodel", "id": sid, "idShort": name, "kind": "Template",
            "administration": {"version": version, "revision": revision}, "semanticId": _ref(sid),
            "submodelElements": elements}


def scaffold() -> dict[str, Any]:
    cds = [_cd(n) for n in ("ManufacturerName", "SerialNumber", "DocumentTitle", "MaxForce", "Stroke",
                            "CycleTime", "Running", "SetForce", "ToolId", "Manual", "ArcheType", "EntryNode",
                            "Node", "HasPart", "Strokes", "StrokeItem")]
    for cd in cds:
        content = cd["embeddedDataSpecifications"][0]["dataSpecificationContent"]
        if cd["idShort"] in ("MaxForce", "CycleTime", "SetForce", "Stroke"):
            content["dataType"] = "REAL_MEASURE"
            content["unit"] = "kN" if "Force" in cd["idShort"] else "s"
        if cd["idShort"] == "Running":
            content["dataType"] = "BOOLEAN"
        if cd["idShort"] == "StrokeItem":
            content["dataType"] = "INTEGER_COUNT"
    sm_ids = {}
    dn = _sm("DigitalNameplate", [_prop("ManufacturerName", "ACME Press Co."), _prop("SerialNumber", "")], "3", "0")
    hd = _sm("HandoverDocumentation", [
        _prop("DocumentTitle", "Operating manual"),
        {"modelType": "File", "idShort": "Manual", "semanticId": _ref(cd_id("Manual")),
         "contentType": "application/pdf", "value": "https://example.com/manual.pdf"}], "2", "0")
    td = _sm("TechnicalData", [
        _prop("MaxForce", "2500", "xs:double"),
        {"modelType": "SubmodelElementList", "idShort": "Strokes", "semanticId": _ref(cd_id("Strokes")),
         "semanticIdListElement": _ref(cd_id("StrokeItem")), "typeValueListElement": "Property",
         "valueTypeListElement": "xs:int",
         "value": [{"modelType": "Property", "semanticId": _ref(cd_id("StrokeItem")), "valueType": "xs:int",
                    "value": "12"}]}], "2", "0")
    od = _sm("OperationalData", [_prop("CycleTime", "4.2", "xs:double"), _prop("Running", "true", "xs:boolean")])
    pp = _sm("ProcessParameters", [_prop("SetForce", "2000", "xs:double"), _prop("ToolId", "T-01")])
    hs_id = f"{BASE}/sm/{EQ}/HierarchicalStructures/1/0"
    hs = _sm("HierarchicalStructures", [
        {"modelType": "Entity", "idShort": "EntryNode", "semanticId": _ref(cd_id("EntryNode")),
         "entityType": "SelfManagedEntity", "globalAssetId": f"{BASE}/asset/{EQ}/1/0",
         "statements": [
             {"modelType": "Entity", "idShort": "Ram", "semanticId": _ref(cd_id("Node")),
              "entityType": "SelfManagedEntity", "globalAssetId": f"{BASE}/asset/Ram/1/0"},
             {"modelType": "RelationshipElement", "idShort": "HasPart1", "semanticId": _ref(cd_id("HasPart")),
              "first": {"type": "ModelReference", "keys": [{"type": "Submodel", "value": hs_id},
                                                          {"type": "Entity", "value": "EntryNode"}]},
              "second": {"type": "ModelReference", "keys": [{"type": "Submodel", "value": hs_id},
                                                           {"type": "Entity", "value": "EntryNode"},
                                                           {"type": "Entity", "value": "Ram"}]}}]},
        {"modelType": "Property", "idShort": "ArcheType", "semanticId": _ref(cd_id("ArcheType")),
         "valueType": "xs:string", "value": "OneDown"}])
    sms = [dn, hd, td, od, pp, hs]
    for sm in sms:
        sm_ids[sm["idShort"]] = sm["id"]
    aas = {"modelType": "AssetAdministrationShell", "id": f"{BASE}/aas/{EQ}/1/0", "idShort": "TestPressAAS",
           "administration": {"version": "1", "revision": "0"},
           "assetInformation": {"assetKind": "Type", "globalAssetId": f"{BASE}/asset/{EQ}/1/0",
                                "defaultThumbnail": {"path": "/aasx/thumbnail.png", "contentType": "image/png"}},
           "submodels": [{"type": "ModelReference", "keys": [{"type": "Submodel", "value": sm["id"]}]}
                         for sm in sms]}
    return {"assetAdministrationShells": [aas], "submodels": sms, "conceptDescriptions": cds}
