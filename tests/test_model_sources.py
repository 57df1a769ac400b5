"""The sources check the models: OPC UA ids against the NodeSets, IDTA reproductions against the published JSON.

Sources: ``../shared/reference`` (``$AASREF_REFERENCE_DIR``): ``opcua/`` (OPC Foundation NodeSets) and
``idta-templates/`` (published IDTA submodel templates). Without them the tests skip with the reason, or fail
when ``AASREF_REQUIRE_SCHEMAS=1`` (CI).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from aas_refmodels.spec import ElementSpec, ModelSpec, load_model

from .builds import MODELS, output
from .idta_compare import compare, stale, unlisted
from .sources import Node, NodeSetIndex, nodesets, reference_dir

NUMERIC = {
    "Byte": {"xs:unsignedByte", "xs:unsignedShort", "xs:unsignedInt", "xs:unsignedLong", "xs:short", "xs:int",
             "xs:long", "xs:integer", "xs:nonNegativeInteger"},
    "UInt16": {"xs:unsignedShort", "xs:unsignedInt", "xs:unsignedLong", "xs:int", "xs:long", "xs:integer",
               "xs:nonNegativeInteger"},
    "UInt32": {"xs:unsignedInt", "xs:unsignedLong", "xs:long", "xs:integer", "xs:nonNegativeInteger"},
    "UInt64": {"xs:unsignedLong", "xs:integer", "xs:nonNegativeInteger"},
    "SByte": {"xs:byte", "xs:short", "xs:int", "xs:long", "xs:integer"},
    "Int16": {"xs:short", "xs:int", "xs:long", "xs:integer"},
    "Int32": {"xs:int", "xs:long", "xs:integer"},
    "Int64": {"xs:long", "xs:integer"},
    "Counter": {"xs:unsignedInt", "xs:unsignedLong", "xs:long", "xs:integer", "xs:nonNegativeInteger"},  # UInt32
    "Float": {"xs:float", "xs:double"},
    "Double": {"xs:double"},
    "Duration": {"xs:double"},  # OPC UA Duration is a Double (milliseconds); the models state their unit
    "Number": {"xs:double", "xs:decimal"},
}
# OPC UA DataType -> the AAS valueTypes that hold every value of it
FITS: dict[str, set[str]] = {**NUMERIC, "Boolean": {"xs:boolean"}, "String": {"xs:string"},
                             "LocalizedText": {"xs:string"}, "DateTime": {"xs:dateTime"}, "UtcTime": {"xs:dateTime"},
                             "UriString": {"xs:anyURI", "xs:string"}}


def _opcua_elements(spec: ModelSpec) -> Iterator[tuple[str, ElementSpec, str]]:
    elements = list(spec.walk())
    for top in spec.technical_properties:
        elements.extend(top.walk("technicalProperties"))
    for path, e in elements:
        for sid in e.supplemental_semantic_ids:
            if sid.startswith("nsu="):
                yield path, e, sid


OPCUA_MODELS = [m for m in MODELS if any(True for _ in _opcua_elements(load_model(m)))]


@pytest.fixture(scope="module")
def index() -> NodeSetIndex:
    return nodesets(reference_dir() / "opcua")


def _value_problem(e: ElementSpec, node: Node, index: NodeSetIndex) -> str | None:
    """Why the element cannot carry the node's value (None if it fits)."""
    if node.node_class in ("UAObject", "UAObjectType"):
        ok = e.model_type in ("SubmodelElementCollection", "SubmodelElementList", "Entity")
        return None if ok else f"object node {node.browse_name} carried by a {e.model_type}"
    if node.node_class != "UAVariable":
        return f"{node.browse_name} is a {node.node_class}, not a variable or object"
    # An array variable (ValueRank >= 1) is carried by a SubmodelElementList whose item fits, or by a Property
    # that holds one entry of the array (e.g. one product name of the job's ProductName array).
    target = e
    if e.model_type == "SubmodelElementList":
        if (node.value_rank or -1) < 1 or e.item is None:
            return f"scalar variable {node.browse_name} carried by a SubmodelElementList"
        target = e.item
    enumeration = index.enumeration(node)
    if enumeration is not None:
        if target.value_type != "xs:string":
            return f"{node.browse_name} is an enumeration ({node.data_type}): expected xs:string, found {target.value_type}"
        if target.allowed_values is None or sorted(target.allowed_values) != sorted(enumeration):
            return (f"allowedValues {list(target.allowed_values or [])} differ from the enumeration of "
                    f"{node.browse_name} ({node.data_type}): {list(enumeration)}")
        return None
    if node.data_type == "LocalizedText" and target.model_type == "MultiLanguageProperty":
        return None
    fits = FITS.get(node.data_type or "")
    if fits is None:
        return f"no valueType mapping for OPC UA DataType {node.data_type} of {node.browse_name}"
    if target.model_type != "Property" or target.value_type not in fits:
        return (f"{target.model_type} {target.value_type} does not hold OPC UA {node.data_type} "
                f"({node.browse_name}); one of {sorted(fits)}")
    return None


@pytest.mark.parametrize("model", OPCUA_MODELS)
def test_every_opcua_id_resolves_to_its_browse_name_with_a_fitting_type(model: str, index: NodeSetIndex) -> None:
    problems = []
    for path, e, sid in _opcua_elements(load_model(model)):
        node = index.get(sid)
        recorded = e.browse_name(sid)
        if node is None:
            problems.append(f"{path}: {sid} is in no NodeSet of {sorted(index.files)}")
            continue
        if recorded != node.browse_name:
            problems.append(f"{path}: {sid} has BrowseName {node.browse_name!r}, the spec records {recorded!r}")
        problem = _value_problem(e, node, index)
        if problem:
            problems.append(f"{path}: {sid}: {problem}")
    assert problems == [], "\n".join(problems)


def test_the_checks_catch_a_wrong_id(index: NodeSetIndex) -> None:
    """The resolution check is not vacuous: a known-wrong pairing is reported."""
    back_pressure = index.get("nsu=http://opcfoundation.org/UA/PlasticsRubber/IMM2MES/;i=6118")
    assert back_pressure is not None and back_pressure.browse_name == "BackPressure"
    assert index.get("nsu=http://opcfoundation.org/UA/PlasticsRubber/IMM2MES/;i=999999") is None
    spec = load_model("injection-molding")
    quality = next(e for p, e in spec.walk() if p.endswith("ProcessData.CycleQuality"))
    node = index.get(next(s for s in quality.supplemental_semantic_ids if s.startswith("nsu=")))
    assert node is not None and _value_problem(quality, node, index) is None
    from dataclasses import replace

    assert _value_problem(replace(quality, allowed_values=("GOOD_CYCLE",)), node, index)
    assert _value_problem(replace(quality, value_type="xs:int"), node, index)


# --- IDTA reproductions -----------------------------------------------------------------------------------------

REPRODUCTIONS = [m for m in MODELS if load_model(m).reproduces]


def test_every_idta_model_names_what_it_reproduces() -> None:
    assert sorted(m for m in MODELS if m.startswith("idta-")) == sorted(REPRODUCTIONS)


@pytest.mark.parametrize("model", REPRODUCTIONS)
def test_idta_reproduction_differs_only_where_documented(model: str) -> None:
    spec = load_model(model)
    assert spec.reproduces
    path = reference_dir() / "idta-templates" / spec.reproduces
    assert path.is_file(), f"{spec.reproduces} is not in {path.parent}"
    published = json.loads(path.read_text(encoding="utf-8-sig"))
    ours = json.loads(output(model, "template", "3.0", "json"))
    problems = []
    for sm in ours["submodels"]:
        pub = [p for p in published["submodels"] if p.get("idShort") == sm["idShort"]]
        assert len(pub) == 1, f"no published submodel {sm['idShort']} in {spec.reproduces}"
        diffs = compare(pub[0], sm)
        devs = [d for d in spec.deviations if d.get("submodel", sm["idShort"]) == sm["idShort"]]
        problems += [f"undocumented: {d}" for d in unlisted(devs, diffs)]
        problems += [f"stale deviation (no such difference): {d}" for d in stale(devs, diffs)]
    assert problems == [], "\n".join(problems)


def test_the_comparison_sees_every_attribute() -> None:
    """A changed attribute of a published element is a difference (the comparison is not vacuous)."""
    sm = {"idShort": "S", "modelType": "Submodel", "submodelElements": [
        {"idShort": "L", "modelType": "SubmodelElementList", "orderRelevant": False, "typeValueListElement": "Property",
         "valueTypeListElement": "xs:string", "value": [
             {"modelType": "Property", "valueType": "xs:string",
              "semanticId": {"type": "ExternalReference", "keys": [{"type": "GlobalReference", "value": "a"}]},
              "qualifiers": [{"type": "SMT/Cardinality", "valueType": "xs:string", "value": "ZeroToMany"},
                             {"type": "Naming", "valueType": "xs:string", "value": "x"}]}]}]}
    same = json.loads(json.dumps(sm))
    assert compare(sm, same) == []
    changed = json.loads(json.dumps(sm))
    lst = changed["submodelElements"][0]
    lst["orderRelevant"] = True
    item = lst["value"][0]
    item["valueType"] = "xs:int"
    item["semanticId"]["keys"][0]["value"] = "b"
    item["qualifiers"] = [{"type": "Cardinality", "valueType": "xs:string", "value": "OneToMany"}]
    lst["value"].append(dict(item))
    got = {(d.path, d.attribute) for d in compare(sm, changed)}
    assert ("L", "orderRelevant") in got
    assert ("L[]", "presence") in got and ("L[0]", "presence") in got  # two items are no longer one prototype
    changed["submodelElements"][0]["value"].pop()
    got = {(d.path, d.attribute) for d in compare(sm, changed)}
    assert {("L[]", "valueType"), ("L[]", "semanticId"), ("L[]", "cardinality"), ("L[]", "cardinalityQualifierType"),
            ("L[]", "qualifier Naming")} <= got


def test_reference_dir_fails_in_ci_when_absent(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AASREF_REFERENCE_DIR", str(tmp_path / "missing"))
    monkeypatch.setenv("AASREF_REQUIRE_SCHEMAS", "1")
    with pytest.raises(pytest.fail.Exception, match="reference sources not found"):
        reference_dir()
    monkeypatch.delenv("AASREF_REQUIRE_SCHEMAS")
    with pytest.raises(pytest.skip.Exception, match="reference sources not found"):
        reference_dir()


def test_an_opcua_id_without_its_browse_name_is_refused(tmp_path: Path) -> None:
    """The spec schema requires the BrowseName next to every nsu=...;i=... id (a plain string is refused)."""
    from aas_refmodels.errors import SpecError
    from aas_refmodels.spec import load_spec_file

    root = Path(__file__).resolve().parent.parent / "models" / "machining" / "1.0.json"
    text = root.read_text(encoding="utf-8")
    node = '{"id": "nsu=http://opcfoundation.org/UA/CNC;i=6056", "browseName": "ToolId"}'
    assert node in text
    bad = tmp_path / "1.0.json"
    bad.write_text(text.replace(node, '"nsu=http://opcfoundation.org/UA/CNC;i=6056"'), encoding="utf-8")
    with pytest.raises(SpecError, match="supplementalSemanticIds"):
        load_spec_file(bad)
    spec = load_model("machining")
    tool = next(e for p, e in spec.walk() if p.endswith("ProcessData.ActiveToolNumber"))
    assert tool.browse_name("nsu=http://opcfoundation.org/UA/CNC;i=6056") == "ToolId"


# --- units ------------------------------------------------------------------------------------------------------

UNITS_FILE = Path(__file__).resolve().parent.parent / "models" / "_units.json"


def test_every_unit_has_its_unece_code_and_the_table_symbol() -> None:
    from .sources import unece_units

    table = unece_units(reference_dir() / "opcua" / "UNECE_to_OPCUA.csv")
    units = json.loads(UNITS_FILE.read_text(encoding="utf-8"))["units"]
    problems = []
    for u in units:
        if u["code"] not in table:
            problems.append(f"{u['code']} ({u['symbol']}) is no common code of UNECE_to_OPCUA.csv")
            continue
        symbol, name = table[u["code"]]
        spellings = symbol.split(" or ")  # "% or pct": alternatives, the choice is noted
        if u["symbol"] not in spellings or u["name"] != name or (len(spellings) > 1 and not u.get("note")):
            problems.append(f"{u['code']}: table has {symbol!r} ({name}), models/_units.json {u['symbol']!r} ({u['name']})")
    symbols = [u["symbol"] for u in units]
    assert len(symbols) == len(set(symbols)), "a symbol is listed twice"
    used = {e.unit for m in MODELS for _, e in _all_elements(load_model(m)) if e.unit}
    problems += [f"unit {s!r} listed but used by no model" for s in sorted(set(symbols) - used)]
    assert problems == [], "\n".join(problems)


def exception_problems(doc: dict, table: dict[str, tuple[str, str]],
                       users: dict[str, set[str]]) -> list[str]:
    """What is wrong with the "exceptions" of models/_units.json: a symbol the extract has a code for (stale), a
    code given, no reason, a symbol also coded, or a "serves" list that is not exactly the elements using it."""
    problems = []
    displayed = {s for symbol, _ in table.values() for s in symbol.split(" or ")}
    coded = {u["symbol"] for u in doc["units"]}
    for x in doc.get("exceptions", []):
        symbol = x["symbol"]
        if symbol in displayed:
            codes = sorted(c for c, (s, _) in table.items() if symbol in s.split(" or "))
            problems.append(f"exception {symbol!r} is stale: UNECE_to_OPCUA.csv has it as {', '.join(codes)}")
        if symbol in coded:
            problems.append(f"exception {symbol!r} is also a coded unit")
        if x.get("code") is not None:
            problems.append(f"exception {symbol!r} gives a code {x['code']!r}: list it under units")
        if not str(x.get("reason", "")).strip():
            problems.append(f"exception {symbol!r} gives no reason")
        if set(x.get("serves", [])) != users.get(symbol, set()):
            problems.append(f"exception {symbol!r} serves {sorted(x.get('serves', []))}, "
                            f"used by {sorted(users.get(symbol, set()))}")
    return problems


def _unit_users() -> dict[str, set[str]]:
    users: dict[str, set[str]] = {}
    for m in MODELS:
        for _, e in _all_elements(load_model(m)):
            if e.unit:
                users.setdefault(e.unit, set()).add(f"{m}:{e.id_short}")
    return users


def test_units_without_a_code_are_listed_exceptions_and_not_stale() -> None:
    from .sources import unece_units

    table = unece_units(reference_dir() / "opcua" / "UNECE_to_OPCUA.csv")
    doc = json.loads(UNITS_FILE.read_text(encoding="utf-8"))
    users = _unit_users()
    assert exception_problems(doc, table, users) == []
    listed = {u["symbol"] for u in doc["units"]} | {x["symbol"] for x in doc["exceptions"]}
    assert set(users) <= listed  # the loader refuses anything else
    assert {x["symbol"] for x in doc["exceptions"]} == {"bar^-1/2", "GU", "meq/100 g"}


def test_the_exception_check_fails_on_a_stale_or_unlisted_use() -> None:
    from .sources import unece_units

    table = unece_units(reference_dir() / "opcua" / "UNECE_to_OPCUA.csv")
    doc = json.loads(UNITS_FILE.read_text(encoding="utf-8"))
    users = _unit_users()
    stale_doc = {**doc, "exceptions": [*doc["exceptions"], {"symbol": "kA·h", "code": None, "reason": "x",
                                                             "serves": []}]}
    assert any("'kA·h' is stale" in p and "TAH" in p for p in exception_problems(stale_doc, table, users))
    ml = {**doc, "exceptions": [*doc["exceptions"], {"symbol": "ml/(kA·h)", "code": None, "reason": "x",
                                                     "serves": ["surface-treatment:BrightenerDosingSetpoint"]}]}
    assert exception_problems(ml, table, users) == [
        "exception 'ml/(kA·h)' serves ['surface-treatment:BrightenerDosingSetpoint'], used by []"]
    more = {**users, "GU": {*users["GU"], "painting:Haze"}}
    assert exception_problems(doc, table, more) == [
        "exception 'GU' serves ['painting:Gloss'], used by ['painting:Gloss', 'painting:Haze']"]


def test_an_exception_unit_is_accepted_and_emitted_without_unit_id(tmp_path: Path) -> None:
    from aas_refmodels.errors import SpecError
    from aas_refmodels.spec import load_spec_file

    spec = load_model("painting")
    gloss = next(e for _, e in spec.walk() if e.id_short == "Gloss")
    assert (gloss.unit, gloss.unit_code) == ("GU", None)
    text = (Path(__file__).resolve().parent.parent / "models" / "painting" / "1.0.json").read_text(encoding="utf-8")
    bad = tmp_path / "1.0.json"
    bad.write_text(text.replace('"unit": "GU"', '"unit": "GU60"', 1), encoding="utf-8")
    with pytest.raises(SpecError, match=r"'GU60' has no UNECE Rec\. 20 code .* no listed exception"):
        load_spec_file(bad)


def _all_elements(spec: ModelSpec) -> list[tuple[str, ElementSpec]]:
    elements = list(spec.walk())
    for top in spec.technical_properties:
        elements.extend(top.walk("technicalProperties"))
    return elements


@pytest.mark.parametrize("model", MODELS)
def test_concept_descriptions_carry_unit_symbol_and_unece_code(model: str) -> None:
    from aas_refmodels.spec.loader import unit_codes, unit_exceptions

    codes = unit_codes()
    doc = json.loads(output(model, "template", "3.1", "json"))
    spec = load_model(model)
    units = {e.semantic_id: e.unit for _, e in _all_elements(spec) if e.unit}
    seen = 0
    for cd in doc.get("conceptDescriptions", []):
        content = cd["embeddedDataSpecifications"][0]["dataSpecificationContent"]
        unit = units.get(cd["id"])
        assert content.get("unit") == unit, cd["id"]
        if unit is None:
            assert "unitId" not in content, cd["id"]
            continue
        seen += 1
        if unit not in codes:  # a listed exception (no Rec. 20 code): the symbol only
            assert unit in unit_exceptions() and "unitId" not in content, cd["id"]
            continue
        key = content["unitId"]["keys"][0]["value"]
        assert key == f"{spec.base_iri}unit/unece-rec20/{codes[unit]}", cd["id"]
    assert seen == len({cid for cid in units if cid.startswith(spec.base_iri)})


def test_a_unit_without_a_code_is_refused(tmp_path: Path) -> None:
    from aas_refmodels.errors import SpecError
    from aas_refmodels.spec import load_spec_file

    text = (Path(__file__).resolve().parent.parent / "models" / "press" / "1.0.json").read_text(encoding="utf-8")
    assert '"unit": "kN"' in text
    bad = tmp_path / "1.0.json"
    bad.write_text(text.replace('"unit": "kN"', '"unit": "tonf"', 1), encoding="utf-8")
    with pytest.raises(SpecError, match=r"no UNECE Rec\. 20 code"):
        load_spec_file(bad)
