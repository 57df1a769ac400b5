"""Synthetic V3.1 environments of a requested size, generated on the fly (valid for every tool).

One shell; submodels of 100 blocks; a block is 10 elements: a collection holding a Property, a
MultiLanguageProperty, a Range, a File, a ReferenceElement (ModelReference into the submodel), a nested
collection with a Property, and a SubmodelElementList of two Properties.
"""

from __future__ import annotations

import json
from typing import Any

BLOCK = 10
BLOCKS_PER_SUBMODEL = 100


def _ext(value: str) -> dict:
    return {"type": "ExternalReference", "keys": [{"type": "GlobalReference", "value": value}]}


def block(sm_id: str, i: int) -> dict:
    name = f"Block{i:05d}"
    return {
        "idShort": name, "modelType": "SubmodelElementCollection", "semanticId": _ext("https://example.org/cd/Block"),
        "value": [
            {"idShort": "Speed", "modelType": "Property", "valueType": "xs:double", "value": f"{i}.5",
             "semanticId": _ext("https://example.org/cd/Speed")},
            {"idShort": "Label", "modelType": "MultiLanguageProperty",
             "value": [{"language": "en", "text": f"block {i}"}, {"language": "ko", "text": f"블록 {i}"}]},
            {"idShort": "Limits", "modelType": "Range", "valueType": "xs:int", "min": "0", "max": str(i + 1)},
            {"idShort": "Drawing", "modelType": "File", "contentType": "application/pdf",
             "value": f"https://example.org/files/{i}.pdf"},
            {"idShort": "Link", "modelType": "ReferenceElement",
             "value": {"type": "ModelReference", "keys": [{"type": "Submodel", "value": sm_id},
                                                          {"type": "SubmodelElementCollection", "value": name},
                                                          {"type": "Property", "value": "Speed"}]}},
            {"idShort": "Inner", "modelType": "SubmodelElementCollection", "value": [
                {"idShort": "Depth", "modelType": "Property", "valueType": "xs:double", "value": "0.25"}]},
            {"idShort": "Passes", "modelType": "SubmodelElementList", "typeValueListElement": "Property",
             "valueTypeListElement": "xs:int", "value": [
                 {"modelType": "Property", "valueType": "xs:int", "value": "1"},
                 {"modelType": "Property", "valueType": "xs:int", "value": "2"}]},
        ],
    }


def environment(elements: int) -> dict[str, Any]:
    blocks = max(1, elements // BLOCK)
    submodels = []
    for s in range((blocks + BLOCKS_PER_SUBMODEL - 1) // BLOCKS_PER_SUBMODEL):
        sm_id = f"https://example.org/sm/{s}"
        n = min(BLOCKS_PER_SUBMODEL, blocks - s * BLOCKS_PER_SUBMODEL)
        submodels.append({"id": sm_id, "idShort": f"Sm{s:04d}", "modelType": "Submodel", "kind": "Instance",
                          "semanticId": _ext("https://example.org/smt/Bench/1/0"),
                          "submodelElements": [block(sm_id, s * BLOCKS_PER_SUBMODEL + i) for i in range(n)]})
    shell = {"id": "https://example.org/aas/bench", "idShort": "Bench", "modelType": "AssetAdministrationShell",
             "assetInformation": {"assetKind": "Instance", "globalAssetId": "https://example.org/asset/bench"},
             "submodels": [{"type": "ModelReference", "keys": [{"type": "Submodel", "value": sm["id"]}]}
                           for sm in submodels]}
    return {"assetAdministrationShells": [shell], "submodels": submodels}


def count_elements(doc: dict) -> int:
    n = 0
    stack = [e for sm in doc.get("submodels", []) for e in sm.get("submodelElements", [])]
    while stack:
        el = stack.pop()
        n += 1
        stack.extend(el.get("value", []) if el.get("modelType") in ("SubmodelElementCollection",
                                                                    "SubmodelElementList") else [])
    return n


def json_bytes(elements: int) -> bytes:
    return json.dumps(environment(elements), ensure_ascii=False).encode("utf-8")
