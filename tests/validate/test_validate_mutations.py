"""Property tests: start from valid built models, inject one defect, expect exactly its code at its path.

The expected path is computed here independently of the validator (idShorts and list indexes along
the way). Findings other than the expected one must come from a small set of known companions of that
defect (e.g. the schema and basyx also object to a bad language tag). Agreement: whenever aas-core
(verify or deserialization) or the official schema (derived form, proven equivalent) flags the mutant,
the report has an error too.
"""

from __future__ import annotations

import copy
import importlib
import json
import re

from foundation_models import MUTATION_MODELS, instance_doc
from hypothesis import assume, given, note
from hypothesis import strategies as st

from aas_refmodels.validate import validate
from aas_refmodels.validate._jsonschema import compile_schema, derive_schema

_CHILDREN = {"SubmodelElementCollection": "value", "SubmodelElementList": "value", "Entity": "statements"}


def elements(doc: dict):
    """(element, parent container list, index, expected path, parent path, submodel) for every element."""
    out = []
    for sm in doc["submodels"]:
        root = f"Submodel[id={sm['id']}]"

        def walk(items, prefix, parent_is_list, sm=sm):
            for i, el in enumerate(items):
                path = f"{prefix}[{i}]" if parent_is_list else f"{prefix}.{el['idShort']}"
                out.append((el, items, i, path, prefix, sm))
                attr = _CHILDREN.get(el["modelType"])
                if attr and el.get(attr):
                    walk(el[attr], path, el["modelType"] == "SubmodelElementList", sm)
        walk(sm.get("submodelElements", []), root, False)
    return out


def template_path(path: str, sm: dict) -> str:
    """The spec path (``ProcessData.Group.Item__00__``, list items ``[]``) of an instance path."""
    rest = path[len(f"Submodel[id={sm['id']}]"):]
    rest = re.sub(r"\[\d+\]", "[]", rest)
    rest = re.sub(r"\.([A-Za-z_]+?)(\d{2,})(?=\.|\[|$)", r".\1__00__", rest)
    return sm["idShort"] + rest


def run(doc: dict, schema_dir):
    return validate(json.dumps(doc).encode(), schema_dir=schema_dir)


def check(report, code: str, path: str, companions: set[str]):
    note(str([(f.code, str(f.path)) for f in report.findings]))
    assert any(f.code == code and str(f.path) == path for f in report.findings), (code, path)
    others = {f.code for f in report.findings if not (f.code == code and str(f.path) == path)}
    assert others <= companions | {code}, others - companions


_SCHEMA = {}


def agree(doc: dict, report, schema_dir) -> None:
    """Whatever aas-core or the official schema flags is flagged here too."""
    if "v" not in _SCHEMA:
        official = json.loads((schema_dir / "V3.1.2" / "aas.json").read_text(encoding="utf-8"))
        _SCHEMA["v"] = compile_schema(derive_schema(official))
    jsonization = importlib.import_module("aas_core3_1.jsonization")
    verification = importlib.import_module("aas_core3_1.verification")
    try:
        core_flags = bool(list(verification.verify(jsonization.environment_from_jsonable(doc))))
    except jsonization.DeserializationException:
        core_flags = True
    if core_flags or _SCHEMA["v"](doc):
        assert report.errors


models = st.sampled_from(MUTATION_MODELS)
numeric_models = st.sampled_from([m for m in MUTATION_MODELS if m != "idta-nameplate"])


@given(name=models, pick=st.integers(min_value=0, max_value=10_000))
def test_drop_mandatory_element(name, pick, schema_dir):
    from aas_refmodels.spec import load_model
    doc = instance_doc(name)
    spec = load_model(name)
    mandatory = {p for p, e in spec.walk() if e.id_short and e.cardinality.value == "One"}
    candidates = [c for c in elements(doc) if template_path(c[3], c[5]) in mandatory]
    _el, items, i, _path, parent, _ = candidates[pick % len(candidates)]
    del items[i]
    report = run(doc, schema_dir)
    check(report, "TPL001", parent, {"MM011", "SCH104", "MM015", "SER005"})
    agree(doc, report, schema_dir)


@given(name=models, pick=st.integers(min_value=0, max_value=10_000))
def test_duplicate_id_short(name, pick, schema_dir):
    doc = instance_doc(name)
    candidates = [c for c in elements(doc) if "idShort" in c[0] and not c[4].endswith("]")]
    el, items, _i, _path, parent, _ = candidates[pick % len(candidates)]
    items.append(copy.deepcopy(el))
    report = run(doc, schema_dir)
    check(report, "AASd-022", parent, {"TPL002", "SER005", "AASd-022"})
    agree(doc, report, schema_dir)


@given(name=numeric_models, pick=st.integers(min_value=0, max_value=10_000))
def test_wrong_value_type(name, pick, schema_dir):
    doc = instance_doc(name)
    candidates = [c for c in elements(doc) if c[0]["modelType"] == "Property"
                  and c[0].get("valueType") in ("xs:double", "xs:int", "xs:integer", "xs:decimal", "xs:long")
                  and c[0].get("value") not in (None, "0", "1") and not c[4].endswith("]")]
    assume(candidates)
    el, _items, _i, path, _parent, _ = candidates[pick % len(candidates)]
    el["valueType"] = "xs:boolean"
    report = run(doc, schema_dir)
    check(report, "MM001", path + "#value", {"TPL004", "SER005"})
    agree(doc, report, schema_dir)


@given(name=numeric_models, pick=st.integers(min_value=0, max_value=10_000), excess=st.integers(min_value=1, max_value=10**6))
def test_value_out_of_range(name, pick, excess, schema_dir):
    from aas_refmodels.spec import load_model
    spec = load_model(name)
    lows = {e.semantic_id: e.allowed_range[0] for _, e in spec.walk()
            if e.allowed_range and e.allowed_range[0] is not None and e.model_type == "Property"}
    doc = instance_doc(name)
    candidates = [c for c in elements(doc) if c[0]["modelType"] == "Property"
                  and c[0].get("semanticId", {}).get("keys", [{}])[0].get("value") in lows]
    assume(candidates)
    el, _items, _i, path, _parent, _ = candidates[pick % len(candidates)]
    low = lows[el["semanticId"]["keys"][0]["value"]]
    el["value"] = str(int(low) - excess)
    report = run(doc, schema_dir)
    # a negative value is also outside the value space of unsigned/non-negative types: then MM001 too
    unsigned = el["valueType"].startswith(("xs:unsigned", "xs:nonNegative", "xs:positive"))
    check(report, "TPL009", path + "#value", {"MM001", "SER005"} if unsigned and int(el["value"]) < 0 else set())


@given(name=models, pick=st.integers(min_value=0, max_value=10_000),
       tag=st.sampled_from(["en?", "e n", "", "english-", "12"]))
def test_bad_language_tag(name, pick, tag, schema_dir):
    doc = instance_doc(name)
    candidates = [c for c in elements(doc) if c[0].get("displayName")]
    el, _items, _i, path, _parent, _ = candidates[pick % len(candidates)]
    el["displayName"][0]["language"] = tag
    report = run(doc, schema_dir)
    check(report, "MM003", path + "#displayName[0].language", {"SCH103", "SER005", "TPL011", "MM002"})
    agree(doc, report, schema_dir)


@given(name=models, pick=st.integers(min_value=0, max_value=10_000))
def test_dangling_model_reference(name, pick, schema_dir):
    doc = instance_doc(name)
    candidates = [c for c in elements(doc) if "idShort" in c[0] and not c[4].endswith("]")]
    _el, items, _i, _path, parent, sm = candidates[pick % len(candidates)]
    items.append({"idShort": "DanglingRef", "modelType": "ReferenceElement",
                  "value": {"type": "ModelReference", "keys": [{"type": "Submodel", "value": sm["id"]},
                                                               {"type": "Property", "value": "NoSuchElement"}]}})
    report = run(doc, schema_dir)
    check(report, "MM011", f"{parent}.DanglingRef#value", {"TPL005"})
    agree(doc, report, schema_dir)


@given(name=models, pick=st.integers(min_value=0, max_value=10_000))
def test_template_qualifier_on_instance(name, pick, schema_dir):
    doc = instance_doc(name)
    candidates = elements(doc)
    el, _items, _i, path, _parent, _sm = candidates[pick % len(candidates)]
    quals = el.setdefault("qualifiers", [])
    quals.append({"type": "SMT/Cardinality", "valueType": "xs:string", "value": "One", "kind": "TemplateQualifier"})
    report = run(doc, schema_dir)
    check(report, "AASd-129", f"{path}#qualifiers[{len(quals) - 1}].kind", {"AASd-021"})
    agree(doc, report, schema_dir)
