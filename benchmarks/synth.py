"""Synthetic V3.0 / V3.1 environments of a requested size, generated on the fly (valid for every tool).

One shell; submodels of 100 blocks; a block is 10 elements: a collection holding a Property, a
MultiLanguageProperty, a Range, a File, a ReferenceElement (ModelReference into the submodel), a nested
collection with a Property, and a SubmodelElementList of two Properties. A 3.0 environment also holds one
ConceptDescription with an IEC 61360 data specification (template IRI ``…/3/0``), which is how a 3.0 JSON
file is recognised. :func:`document` gives the file in JSON, XML (aas-core's serializer) or AASX (an OPC
package with the XML as its aas-spec part).
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


def environment(elements: int, version: str = "3.1") -> dict[str, Any]:
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
    env: dict[str, Any] = {"assetAdministrationShells": [shell], "submodels": submodels}
    if version == "3.0":
        env["conceptDescriptions"] = [{
            "id": "https://example.org/cd/Speed", "idShort": "Speed", "modelType": "ConceptDescription",
            "embeddedDataSpecifications": [{
                "dataSpecification": _ext("https://admin-shell.io/DataSpecificationTemplates/"
                                          "DataSpecificationIec61360/3/0"),
                "dataSpecificationContent": {"modelType": "DataSpecificationIec61360",
                                             "preferredName": [{"language": "en", "text": "speed"}],
                                             "definition": [{"language": "en", "text": "rotational speed"}],
                                             "unit": "m/s", "dataType": "REAL_MEASURE"}}]}]
    return env


def count_elements(doc: dict) -> int:
    n = 0
    stack = [e for sm in doc.get("submodels", []) for e in sm.get("submodelElements", [])]
    while stack:
        el = stack.pop()
        n += 1
        stack.extend(el.get("value", []) if el.get("modelType") in ("SubmodelElementCollection",
                                                                    "SubmodelElementList") else [])
    return n


def json_bytes(elements: int, version: str = "3.1") -> bytes:
    return json.dumps(environment(elements, version), ensure_ascii=False).encode("utf-8")


def xml_bytes(elements: int, version: str = "3.1") -> bytes:
    import importlib
    pkg = "aas_core3" if version == "3.0" else "aas_core3_1"
    jsonization = importlib.import_module(pkg + ".jsonization")
    xmlization = importlib.import_module(pkg + ".xmlization")
    env = jsonization.environment_from_jsonable(environment(elements, version))
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + xmlization.to_str(env).encode("utf-8")


_CONTENT_TYPES = ('<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                  'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                  'relationships+xml"/><Default Extension="xml" ContentType="text/xml"/><Override PartName="/aasx/'
                  'aasx-origin" ContentType="text/plain"/></Types>')
_RELS = ('<?xml version="1.0" encoding="utf-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
         'relationships"><Relationship Type="http://admin-shell.io/aasx/relationships/{kind}" Target="{target}" '
         'Id="r{kind}"/></Relationships>')


def aasx_bytes(elements: int, version: str = "3.1") -> bytes:
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS.format(kind="aasx-origin", target="/aasx/aasx-origin"))
        zf.writestr("aasx/aasx-origin", "Intentionally empty.")
        zf.writestr("aasx/_rels/aasx-origin.rels", _RELS.format(kind="aas-spec", target="/aasx/data.xml"))
        zf.writestr("aasx/data.xml", xml_bytes(elements, version))
    return buf.getvalue()


def document(elements: int, fmt: str, version: str = "3.1") -> bytes:
    """The environment of about ``elements`` elements as a ``json``, ``xml`` or ``aasx`` file."""
    return {"json": json_bytes, "xml": xml_bytes, "aasx": aasx_bytes}[fmt](elements, version)
