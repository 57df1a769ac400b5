"""Writes the invalid corpus ``tests/validate/corpus/<CODE>/<case>.<ext>`` (run: python tests/validate/make_corpus.py).

Every case starts from one small valid environment (``base_env``) and injects one defect, so that a
reviewer can see exactly what each fixture breaks. Files whose name contains ``.v30.`` are validated as
metamodel 3.0 (``spec_version="3.0"``). Goldens (``<case>.<ext>.findings.json``) are written by the tests
with ``AASREF_RECORD=1`` and reviewed by hand.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"

SM_ID = "https://example.org/sm/1"
CD_ID = "https://example.org/cd/Speed"


def ext_ref(value: str, ktype: str = "GlobalReference") -> dict:
    return {"type": "ExternalReference", "keys": [{"type": ktype, "value": value}]}


def model_ref(*keys: tuple[str, str]) -> dict:
    return {"type": "ModelReference", "keys": [{"type": t, "value": v} for t, v in keys]}


def iec61360(**extra: Any) -> dict:
    content = {"modelType": "DataSpecificationIec61360",
               "preferredName": [{"language": "en", "text": "spindle speed"}],
               "definition": [{"language": "en", "text": "rotational speed of the spindle"}],
               "dataType": "REAL_MEASURE", "unit": "1/min"}
    content.update(extra)
    return {"dataSpecification": ext_ref("https://admin-shell.io/DataSpecificationTemplates/DataSpecificationIec61360/3"),
            "dataSpecificationContent": {k: v for k, v in content.items() if v is not None}}


def base_env() -> dict:
    """A small valid 3.0/3.1 environment: one shell, one submodel with a mix of elements, one CD."""
    return {
        "assetAdministrationShells": [{
            "id": "https://example.org/aas/1", "idShort": "Shell", "modelType": "AssetAdministrationShell",
            "assetInformation": {"assetKind": "Instance", "globalAssetId": "https://example.org/asset/1"},
            "submodels": [model_ref(("Submodel", SM_ID))],
        }],
        "submodels": [{
            "id": SM_ID, "idShort": "Process", "modelType": "Submodel", "kind": "Instance",
            "semanticId": ext_ref("https://example.org/smt/Process/1/0"),
            "submodelElements": [
                {"idShort": "Speed", "modelType": "Property", "valueType": "xs:double", "value": "12000",
                 "semanticId": ext_ref(CD_ID)},
                {"idShort": "Name", "modelType": "MultiLanguageProperty", "value": [{"language": "en", "text": "Mill"}]},
                {"idShort": "Limits", "modelType": "Range", "valueType": "xs:int", "min": "1", "max": "5"},
                {"idShort": "Group", "modelType": "SubmodelElementCollection", "value": [
                    {"idShort": "Depth", "modelType": "Property", "valueType": "xs:double", "value": "0.5"}]},
                {"idShort": "Passes", "modelType": "SubmodelElementList", "typeValueListElement": "Property",
                 "valueTypeListElement": "xs:int", "value": [
                     {"modelType": "Property", "valueType": "xs:int", "value": "1"},
                     {"modelType": "Property", "valueType": "xs:int", "value": "2"}]},
                {"idShort": "Drawing", "modelType": "File", "contentType": "application/pdf",
                 "value": "https://example.org/drawing.pdf"},
                {"idShort": "Link", "modelType": "ReferenceElement",
                 "value": model_ref(("Submodel", SM_ID), ("Property", "Speed"))},
            ],
        }],
        "conceptDescriptions": [{
            "id": CD_ID, "idShort": "SpindleSpeed", "modelType": "ConceptDescription",
            "embeddedDataSpecifications": [iec61360()],
        }],
    }


def el(env: dict, id_short: str) -> dict:
    return next(e for e in env["submodels"][0]["submodelElements"] if e.get("idShort") == id_short)


def add(env: dict, element: dict) -> None:
    env["submodels"][0]["submodelElements"].append(element)


def cd_content(env: dict) -> dict:
    return env["conceptDescriptions"][0]["embeddedDataSpecifications"][0]["dataSpecificationContent"]


Mut = Callable[[dict], Any]
JSON_CASES: list[tuple[str, str, Mut]] = []


def case(code: str, name: str) -> Callable[[Mut], Mut]:
    def deco(fn: Mut) -> Mut:
        JSON_CASES.append((code, name, fn))
        return fn
    return deco


# --------------------------------------------------------------------------------- metamodel constraints
@case("AASd-002", "idshort-starts-with-digit")
def _(e): el(e, "Speed")["idShort"] = "1Speed"


@case("AASd-002", "idshort-one-character")
def _(e):
    el(e, "Speed")["idShort"] = "S"  # valid in 3.0: the hyphen in Cycle-Count is the evidence of 3.1
    add(e, {"idShort": "Cycle-Count", "modelType": "Property", "valueType": "xs:int", "value": "3"})


@case("AASd-005", "revision-without-version")
def _(e): e["submodels"][0]["administration"] = {"revision": "1"}


@case("AASd-014", "self-managed-entity-without-asset")
def _(e): add(e, {"idShort": "Machine", "modelType": "Entity", "entityType": "SelfManagedEntity"})


@case("AASd-020", "qualifier-value-not-int")
def _(e): el(e, "Speed")["qualifiers"] = [{"type": "Rank", "valueType": "xs:int", "value": "high"}]


@case("AASd-021", "duplicate-qualifier-type")
def _(e): el(e, "Speed")["qualifiers"] = [{"type": "Rank", "valueType": "xs:int", "value": "1"},
                                         {"type": "Rank", "valueType": "xs:int", "value": "2"}]


@case("AASd-022", "duplicate-idshort")
def _(e): add(e, {"idShort": "Speed", "modelType": "Property", "valueType": "xs:int", "value": "1"})


@case("AASd-077", "duplicate-extension-name")
def _(e): el(e, "Speed")["extensions"] = [{"name": "origin"}, {"name": "origin"}]


@case("AASd-107", "list-child-semanticid-differs")
def _(e):
    lst = el(e, "Passes")
    lst["semanticIdListElement"] = ext_ref("https://example.org/cd/Pass")
    lst["value"][0]["semanticId"] = ext_ref("https://example.org/cd/Other")


@case("AASd-108", "list-child-wrong-modeltype")
def _(e):
    lst = el(e, "Passes")
    lst["typeValueListElement"] = "Range"


@case("AASd-109", "list-without-valuetypelistelement")
def _(e): del el(e, "Passes")["valueTypeListElement"]


@case("AASd-114", "list-children-semanticids-differ")
def _(e):
    lst = el(e, "Passes")
    lst["value"][0]["semanticId"] = ext_ref("https://example.org/cd/A")
    lst["value"][1]["semanticId"] = ext_ref("https://example.org/cd/B")


@case("AASd-116", "globalassetid-specific-asset-id-differs")
def _(e): e["assetAdministrationShells"][0]["assetInformation"]["specificAssetIds"] = [
    {"name": "globalAssetId", "value": "https://example.org/asset/other"}]


@case("AASd-117", "collection-child-without-idshort")
def _(e): del el(e, "Group")["value"][0]["idShort"]


@case("AASd-118", "supplemental-without-semanticid")
def _(e): el(e, "Name")["supplementalSemanticIds"] = [ext_ref("https://example.org/cd/Name")]


@case("AASd-119", "template-qualifier-on-instance-submodel")
def _(e): e["submodels"][0]["qualifiers"] = [{"type": "SMT/Cardinality", "valueType": "xs:string", "value": "One",
                                              "kind": "TemplateQualifier"}]


@case("AASd-121", "first-key-not-globally-identifiable")
def _(e): el(e, "Speed")["semanticId"] = {"type": "ExternalReference", "keys": [{"type": "Property", "value": "x"}]}


@case("AASd-122", "external-reference-first-key-submodel")
def _(e): el(e, "Speed")["semanticId"] = ext_ref(SM_ID, "Submodel")


@case("AASd-123", "model-reference-first-key-global")
def _(e): el(e, "Link")["value"] = model_ref(("GlobalReference", SM_ID))


@case("AASd-124", "external-reference-last-key-property")
def _(e): el(e, "Speed")["semanticId"] = {"type": "ExternalReference", "keys": [
    {"type": "GlobalReference", "value": CD_ID}, {"type": "Property", "value": "x"}]}


@case("AASd-125", "model-reference-second-key-global")
def _(e): el(e, "Link")["value"] = model_ref(("Submodel", SM_ID), ("GlobalReference", "x"))


@case("AASd-126", "fragment-key-not-last")
def _(e): el(e, "Link")["value"] = model_ref(("Submodel", SM_ID), ("FragmentReference", "x"), ("Property", "Speed"))


@case("AASd-127", "fragment-after-property")
def _(e): el(e, "Link")["value"] = model_ref(("Submodel", SM_ID), ("Property", "Speed"), ("FragmentReference", "x"))


@case("AASd-128", "list-key-not-index")
def _(e): el(e, "Link")["value"] = model_ref(("Submodel", SM_ID), ("SubmodelElementList", "Passes"),
                                            ("Property", "first"))


@case("AASd-129", "template-qualifier-in-instance")
def _(e): el(e, "Speed")["qualifiers"] = [{"type": "SMT/Cardinality", "valueType": "xs:string", "value": "One",
                                          "kind": "TemplateQualifier"}]


@case("AASd-130", "control-character-in-text")
def _(e): el(e, "Name")["value"][0]["text"] = "Mill\u0001"


@case("AASd-131", "asset-information-without-ids")
def _(e): del e["assetAdministrationShells"][0]["assetInformation"]["globalAssetId"]


@case("AASd-133", "external-subject-id-model-reference")
def _(e): e["assetAdministrationShells"][0]["assetInformation"]["specificAssetIds"] = [
    {"name": "serial", "value": "42", "externalSubjectId": model_ref(("Submodel", SM_ID))}]


@case("AASd-134", "operation-duplicate-variable-idshort")
def _(e): add(e, {"idShort": "Run", "modelType": "Operation",
                  "inputVariables": [{"value": {"idShort": "X1", "modelType": "Property", "valueType": "xs:int"}}],
                  "outputVariables": [{"value": {"idShort": "X1", "modelType": "Property", "valueType": "xs:int"}}]})


@case("AASc-002", "preferred-name-without-english")
def _(e): cd_content(e)["preferredName"] = [{"language": "de", "text": "Drehzahl"}]


@case("AASc-3a-004", "property-category-blob-datatype")
def _(e):
    e["conceptDescriptions"][0]["category"] = "PROPERTY"
    cd_content(e)["dataType"] = "BLOB"


@case("AASc-3a-005", "reference-category-real-datatype")
def _(e): e["conceptDescriptions"][0]["category"] = "REFERENCE"


@case("AASc-3a-006", "document-category-string-datatype")
def _(e):
    e["conceptDescriptions"][0]["category"] = "DOCUMENT"
    cd_content(e)["dataType"] = "STRING"


@case("AASc-3a-007", "qualifier-type-without-datatype")
def _(e):
    e["conceptDescriptions"][0]["category"] = "QUALIFIER_TYPE"
    del cd_content(e)["dataType"]


@case("AASc-3a-008", "definition-missing")
def _(e): del cd_content(e)["definition"]


@case("AASc-3a-009", "measure-without-unit")
def _(e): del cd_content(e)["unit"]


@case("AASc-3a-010", "value-and-value-list")
def _(e):
    cd_content(e)["value"] = "1"
    cd_content(e)["valueList"] = {"valueReferencePairs": [{"value": "1", "valueId": ext_ref("https://example.org/v/1")}]}


# --------------------------------------------------------------------------------- 3.0-only constraints
@case("AASd-090", "data-element-category.v30")
def _(e): el(e, "Speed")["category"] = "SETTING"


@case("AASd-120", "list-child-with-idshort.v30")
def _(e): el(e, "Passes")["value"][0]["idShort"] = "First"


@case("AASc-3a-002", "preferred-name-without-english.v30")
def _(e): cd_content(e)["preferredName"] = [{"language": "de", "text": "Drehzahl"}]


# --------------------------------------------------------------------------------- MM / REF
@case("MM001", "property-value-not-double")
def _(e): el(e, "Speed")["value"] = "fast"


@case("MM002", "file-content-type-not-mime")
def _(e): el(e, "Drawing")["contentType"] = "pdf"


@case("MM003", "bad-language-tag")
def _(e): el(e, "Name")["value"][0]["language"] = "en?"


@case("MM004", "duplicate-language")
def _(e): el(e, "Name")["value"] = [{"language": "en", "text": "Mill"}, {"language": "en", "text": "Miller"}]


@case("MM010", "cd-shares-submodel-id")
def _(e): e["conceptDescriptions"][0]["id"] = SM_ID


@case("MM011", "reference-to-missing-element")
def _(e): el(e, "Link")["value"] = model_ref(("Submodel", SM_ID), ("Property", "Torque"))


@case("MM012", "shell-references-absent-submodel")
def _(e): e["assetAdministrationShells"][0]["submodels"].append(model_ref(("Submodel", "https://example.org/sm/absent")))


@case("MM013", "semanticid-to-absent-concept")
def _(e): el(e, "Name")["semanticId"] = model_ref(("ConceptDescription", "https://example.org/cd/absent"))


@case("MM014", "smt-qualifier-on-instance")
def _(e): el(e, "Speed")["qualifiers"] = [{"type": "SMT/Cardinality", "valueType": "xs:string", "value": "One"}]


@case("MM015", "empty-qualifier-list")
def _(e): e["submodels"][0]["qualifiers"] = []


@case("REF001", "range-min-above-max")
def _(e): el(e, "Limits").update({"min": "9", "max": "2"})


# --------------------------------------------------------------------------------- schema
@case("SCH101", "property-without-valuetype")
def _(e): del el(e, "Speed")["valueType"]


@case("SCH102", "property-value-number")
def _(e): el(e, "Speed")["value"] = 12000


@case("SCH103", "idshort-with-space")
def _(e): el(e, "Speed")["idShort"] = "Spindle Speed"


@case("SCH104", "empty-display-name")
def _(e): el(e, "Speed")["displayName"] = []


@case("SCH105", "unknown-asset-kind")
def _(e): e["assetAdministrationShells"][0]["assetInformation"]["assetKind"] = "Bogus"


@case("SCH106", "unknown-model-type")
def _(e): add(e, {"idShort": "Gizmo", "modelType": "Gizmo"})


@case("SER004", "element-without-modeltype")
def _(e): del el(e, "Speed")["modelType"]


@case("SER005", "integer-beyond-basyx")
def _(e): el(e, "Speed").update(valueType="xs:integer", value="9" * 5000)  # valid xs:integer; basyx cannot int() it


@case("MM011", "semanticid-submodel-key-for-concept")  # IDTA's common glitch: a warning that says what is meant
def _(e): e["submodels"][0]["semanticId"] = model_ref(("Submodel", CD_ID))


# --------------------------------------------------------------------------------- raw files
def raw_cases() -> list[tuple[str, str, bytes]]:
    good = json.dumps(base_env(), indent=1).encode()
    deep: Any = {"idShort": "Deep", "modelType": "Property", "valueType": "xs:int"}
    for _ in range(300):
        deep = [deep]
    return [
        ("SER001", "truncated.json", good[: len(good) // 2]),
        ("SER001", "not-json-or-xml.json", b"hello, world\n"),
        ("SER002", "invalid-utf8.json", good.replace(b'"Mill"', b'"M\xffll"')),
        ("SER003", "top-level-array.json", b"[]\n"),
        ("SER003", "foreign-document.json", b'{"openapi": "3.0.0"}\n'),
        ("SER006", "xxe.xml", b'<?xml version="1.0"?>\n<!DOCTYPE env [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                              b'<environment xmlns="https://admin-shell.io/aas/3/1">&x;</environment>\n'),
        ("SER006", "billion-laughs.xml", b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                                         + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                                                    for i in range(1, 10))
                                         + b']>\n<environment xmlns="https://admin-shell.io/aas/3/1">&lol9;</environment>\n'),
        ("SER007", "deep-nesting.json", json.dumps({"submodels": [{"id": "x", "modelType": "Submodel",
                                                                   "submodelElements": deep}]}).encode()),
        ("SCH201", "unknown-xml-element.xml",
         b'<?xml version="1.0" encoding="UTF-8"?>\n<environment xmlns="https://admin-shell.io/aas/3/1">\n'
         b'  <submodels>\n    <submodel>\n      <idShort>Process</idShort>\n      <id>https://example.org/sm/1</id>\n'
         b'      <gizmo>1</gizmo>\n    </submodel>\n  </submodels>\n</environment>\n'),
    ]


# --------------------------------------------------------------------------------- AASX packages
CT = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      b'<Default Extension="json" ContentType="application/json"/><Default Extension="png" ContentType="image/png"/>'
      b'<Override PartName="/aasx/aasx-origin" ContentType="text/plain"/></Types>')


def rels(*items: tuple[str, str]) -> bytes:
    body = "".join(f'<Relationship Type="{t}" Target="{target}" Id="r{i}"/>' for i, (t, target) in enumerate(items))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships">{body}</Relationships>').encode()


NEW = "http://admin-shell.io/aasx/relationships/"
OLD = "http://www.admin-shell.io/aasx/relationships/"
THUMB = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"


def package(parts: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in parts.items():
            zf.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), data, compress_type=compression)
    return buf.getvalue()


def good_parts(env: dict | None = None) -> dict[str, bytes]:
    env = env or base_env()
    return {
        "[Content_Types].xml": CT,
        "_rels/.rels": rels((NEW + "aasx-origin", "/aasx/aasx-origin")),
        "aasx/aasx-origin": b"Intentionally empty.",
        "aasx/_rels/aasx-origin.rels": rels((NEW + "aas-spec", "/aasx/data.json")),
        "aasx/data.json": json.dumps(env, indent=1).encode(),
    }


def package_cases() -> list[tuple[str, str, bytes]]:
    out = []
    good = package(good_parts())
    out.append(("PKG001", "truncated.aasx", good[: len(good) - 40]))
    out.append(("PKG001", "garbage-after-magic.aasx", b"PK\x03\x04" + b"\x00" * 64))
    bomb = good_parts()
    bomb["aasx/files/zeros.bin"] = b"\x00" * (4 * 1024 * 1024)
    out.append(("PKG002", "zip-bomb-ratio.aasx", package(bomb)))
    trav = good_parts()
    trav["../../evil.json"] = b"{}"
    trav["/etc/absolute.json"] = b"{}"
    out.append(("PKG003", "path-traversal.aasx", package(trav)))
    no_ct = good_parts()
    del no_ct["[Content_Types].xml"]
    out.append(("PKG004", "no-content-types.aasx", package(no_ct)))
    no_rels = good_parts()
    del no_rels["_rels/.rels"]
    out.append(("PKG005", "no-package-rels.aasx", package(no_rels)))
    no_origin = good_parts()
    no_origin["_rels/.rels"] = rels(("http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
                                     "core-properties", "/docProps/core.xml"))
    out.append(("PKG006", "no-origin-relationship.aasx", package(no_origin)))
    no_spec = good_parts()
    no_spec["aasx/_rels/aasx-origin.rels"] = rels((NEW + "aas-spec", "/aasx/missing.json"))
    out.append(("PKG007", "spec-part-missing.aasx", package(no_spec)))
    env = base_env()
    el(env, "Drawing")["value"] = "/aasx/files/drawing.pdf"
    missing_file = good_parts(env)
    out.append(("PKG008", "file-target-missing.aasx", package(missing_file)))
    thumb = good_parts()
    thumb["_rels/.rels"] = rels((NEW + "aasx-origin", "/aasx/aasx-origin"), (THUMB, "/thumbnail.png"))
    out.append(("PKG009", "thumbnail-missing.aasx", package(thumb)))
    old = good_parts()
    old["_rels/.rels"] = rels((OLD + "aasx-origin", "/aasx/aasx-origin"))
    old["aasx/_rels/aasx-origin.rels"] = rels((OLD + "aas-spec", "/aasx/data.json"))
    out.append(("PKG010", "legacy-relationship-namespace.aasx", package(old)))
    return out


# --------------------------------------------------------------------------------- crash corpus (issue 8)
CRASH_CORPUS = HERE / "crash_corpus"


def _deep_collection(levels: int, value: str) -> dict:
    node: dict = {"idShort": "Leaf", "modelType": "Property", "valueType": "xs:int", "value": value}
    for i in range(levels):
        node = {"idShort": f"G{i}", "modelType": "SubmodelElementCollection", "value": [node]}
    return node


def crash_cases() -> list[tuple[str, str, bytes]]:
    """Inputs that once broke a layer (fuzzing, issue 8): (name, expected code, bytes).

    Each must now give a finding with a code and a path, exit 1, ok false; never "could not run".
    ``deep-*`` cases are validated with ``--max-depth 1000``.
    """
    def mutated(fn: Callable[[dict], Any], ensure_ascii: bool = False, indent: int | None = 1) -> bytes:
        env = base_env()
        fn(env)
        return json.dumps(env, indent=indent, ensure_ascii=ensure_ascii).encode("utf-8")

    def key_list(e: dict) -> None:
        el(e, "Link")["value"]["keys"][0]["type"] = ["Submodel"]

    good = json.dumps(base_env(), indent=1)
    huge = good.replace('"value": "12000"', '"value": ' + "7" * 5000)
    return [
        ("language-not-a-string.json", "SER004", mutated(lambda e: el(e, "Name")["value"][0].update(language=5))),
        ("integer-literal-5000-digits.json", "SER004", huge.encode()),
        ("surrogate-in-idshort.json", "AASd-130",
         mutated(lambda e: el(e, "Speed").update(idShort="Sp\ud800"), ensure_ascii=True)),
        ("surrogate-in-id.json", "AASd-130",
         mutated(lambda e: e["submodels"][0].update(id="https://example.org/\ud800"), ensure_ascii=True)),
        ("circled-digit-list-index.json", "AASd-128",
         mutated(lambda e: el(e, "Link").update(value=model_ref(("Submodel", SM_ID), ("SubmodelElementList", "Passes"),
                                                                 ("Property", "\u2460"))))),
        ("blob-not-base64.json", "SER004",
         mutated(lambda e: add(e, {"idShort": "Bin", "modelType": "Blob", "contentType": "application/octet-stream",
                                   "value": "!!!notbase64"}))),
        ("embedded-data-specifications-true.json", "SER004",
         mutated(lambda e: el(e, "Speed").update(embeddedDataSpecifications=True))),
        ("template-id-a-list.json", "SER004",
         mutated(lambda e: e["submodels"][0].update(administration={"templateId": ["x"]}))),
        ("concept-id-an-object.json", "SER004", mutated(lambda e: e["conceptDescriptions"][0].update(id={"a": 1}))),
        ("range-value-type-a-list.json", "SER004", mutated(lambda e: el(e, "Limits").update(valueType=["xs:int"]))),
        ("key-type-a-list.json", "SER004", mutated(key_list)),
        ("deep-150-collections-invalid.json", "MM001", mutated(lambda e: add(e, _deep_collection(150, "one")), indent=None)),
        ("deep-400-collections-invalid.json", "MM001", mutated(lambda e: add(e, _deep_collection(400, "one")), indent=None)),
    ]


def extra_cases() -> list[tuple[str, str, bytes]]:
    """Cases of other layers (template conformance) registered by their modules."""
    try:
        import make_corpus_templates  # type: ignore[import-not-found]
    except ImportError:
        return []
    return make_corpus_templates.cases()


def main() -> None:
    if CORPUS.exists():
        for d in CORPUS.iterdir():
            if d.is_dir():
                for f in d.iterdir():
                    if not f.name.endswith(".findings.json"):
                        f.unlink()  # (a symlink is removed, never followed)
    written = 0
    for code, name, mutate in JSON_CASES:
        env = base_env()
        mutate(env)
        target = CORPUS / code / f"{name}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(env, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written += 1
    for code, name, data in raw_cases() + package_cases() + extra_cases():
        target = CORPUS / code / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    target = CORPUS / "SER008" / "symlink-to-dev-zero.json"  # a link to a device: refused unread, never hangs
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink() or target.exists():
        target.unlink()
    os.symlink("/dev/zero", target)
    written += 1
    CRASH_CORPUS.mkdir(exist_ok=True)
    for old in CRASH_CORPUS.iterdir():
        old.unlink()
    expected = {}
    for name, code, data in crash_cases():
        (CRASH_CORPUS / name).write_bytes(data)
        expected[name] = code
        written += 1
    (CRASH_CORPUS / "expected.json").write_text(json.dumps(expected, indent=1) + "\n", encoding="utf-8")
    # drop goldens whose case is gone
    for golden in CORPUS.glob("*/*.findings.json"):
        if not golden.with_name(golden.name[: -len(".findings.json")]).exists():
            golden.unlink()
    for d in CORPUS.iterdir():
        if d.is_dir() and not any(d.iterdir()):
            shutil.rmtree(d)
    print(f"wrote {written} corpus files to {CORPUS}", file=sys.stderr)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
