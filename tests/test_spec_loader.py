"""Spec files: every packaged model loads; a bad file fails with an error naming the file and the JSON path."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from aas_refmodels import namespace
from aas_refmodels.errors import ModelNotFoundError, SpecError
from aas_refmodels.spec import Cardinality, available_models, load_model, load_spec_file

from .builds import MODELS, PROCESS_MODELS

EXPECTED_PROCESSES = {"machining", "injection-molding", "press", "welding", "painting", "heat-treatment",
                      "die-casting", "forging", "surface-treatment", "assembly"}


def test_all_representative_processes_are_packaged() -> None:
    assert {m for m, _ in available_models()} >= EXPECTED_PROCESSES


@pytest.mark.parametrize("model", MODELS)
def test_every_element_has_english_and_korean_names_and_a_source(model: str) -> None:
    spec = load_model(model)
    for path, e in spec.walk():
        assert e.name.get("en") and e.name.get("ko"), path
        assert e.definition.get("en") and e.definition.get("ko"), path
        assert e.source.strip(), path


@pytest.mark.parametrize("model", MODELS)
def test_every_leaf_has_an_example(model: str) -> None:
    spec = load_model(model)
    leaves = [(p, e) for p, e in spec.walk() if not e.children and e.item is None
              and e.model_type not in ("SubmodelElementCollection", "Entity")]
    assert leaves
    assert [p for p, e in leaves if e.example is None] == []


@pytest.mark.parametrize("model", PROCESS_MODELS)
def test_process_models_follow_the_composition(model: str) -> None:
    spec = load_model(model)
    assert [sm.id_short for sm in spec.submodels] == ["ProcessParameters", "ProcessData"]
    pp = spec.submodel("ProcessParameters")
    assert pp.semantic_id == "https://admin-shell-io/idta/SubmodelTemplate/ProcessParameters/1/0"  # IDTA, verbatim
    assert pp.administration.template_id in pp.supplemental_semantic_ids
    data = spec.submodel("ProcessData")
    header = [e.id_short for e in data.elements[:3]]
    assert header == ["ProcessType", "JobOrderNumber", "ProductId"]  # the shared cycle header comes first


@pytest.mark.parametrize("model", MODELS)
def test_semantic_ids_unique_and_own_concepts_never_collide_with_reused_ones(model: str) -> None:
    spec = load_model(model)
    base = spec.base_iri
    by_id: dict[str, set[tuple[str, str | None, str | None]]] = {}
    for _, e in spec.walk():
        by_id.setdefault(e.semantic_id, set()).add((e.model_type, e.value_type, e.unit))
    # one own concept, one meaning: an id of ours shared by several elements has one model type, value type, unit
    # (published IDTA placeholders such as https://admin-shell.io/SMT/General/Arbitrary are reused verbatim)
    assert {k: v for k, v in by_id.items() if len(v) > 1 and namespace.is_own(k, base)} == {}
    for sid in by_id:
        if not namespace.is_own(sid, base):
            assert not sid.startswith("aasref:"), sid
    own = {s for s in by_id if namespace.is_own(s, base)}
    assert not any(s.startswith(("https://admin-shell.io", "0173-1#", "0112/", "nsu=")) for s in own)


def test_base_iri_is_configurable() -> None:
    spec = load_model("machining", base_iri="https://consortium.example.kr/aas")
    assert spec.base_iri == "https://consortium.example.kr/aas/"
    own = [e.semantic_id for _, e in spec.walk() if e.semantic_id.startswith("https://consortium.example.kr/aas/")]
    assert own
    assert not any("example.org" in e.semantic_id for _, e in spec.walk())


def test_unknown_model_and_version() -> None:
    with pytest.raises(ModelNotFoundError, match="no reference model 'milling'"):
        load_model("milling")
    with pytest.raises(ModelNotFoundError, match=r"has no version '9\.9'"):
        load_model("machining", "9.9")


def test_include_can_make_fragment_elements_mandatory() -> None:
    spec = load_model("injection-molding")
    data = {e.id_short: e for e in spec.submodel("ProcessData").elements}
    assert data["CycleTime"].cardinality is Cardinality.ONE
    assert load_model("machining").submodel("ProcessData").elements[8].cardinality is Cardinality.ZERO_TO_ONE


# --- located errors for bad spec files -----------------------------------------------------------------------

def _base_doc() -> dict[str, Any]:
    root = Path(__file__).resolve().parent.parent
    return json.loads((root / "models" / "machining" / "1.0.json").read_text(encoding="utf-8"))


def _element(doc: dict[str, Any]) -> dict[str, Any]:
    # ProcessParameters.Processes.Process__00__.ProcessParameters.<first>
    return doc["submodels"][0]["elements"][0]["elements"][0]["elements"][2]["elements"][0]  # type: ignore[no-any-return]


ELEMENT_PATH = "$.submodels[0].elements[0].elements[0].elements[2].elements[0]"


def _mutations() -> list[tuple[str, Any, str, str]]:
    def drop_ko(d: dict[str, Any]) -> None:
        del _element(d)["name"]["ko"]

    def bad_id_short(d: dict[str, Any]) -> None:
        _element(d)["idShort"] = "1stValue"

    def bad_value_type(d: dict[str, Any]) -> None:
        _element(d)["valueType"] = "xs:number"

    def bad_example(d: dict[str, Any]) -> None:
        e = _element(d)
        e["valueType"], e["example"] = "xs:int", "fast"

    def bad_range(d: dict[str, Any]) -> None:
        e = _element(d)
        e["valueType"], e["allowedRange"], e["example"] = "xs:double", {"min": 10, "max": 1}, 5

    def duplicate(d: dict[str, Any]) -> None:
        els = d["submodels"][1]["elements"]
        els.append(copy.deepcopy(els[-1]))

    def unknown_fragment(d: dict[str, Any]) -> None:
        d["submodels"][1]["elements"][0] = {"include": "no-such-fragment"}

    def unknown_key(d: dict[str, Any]) -> None:
        _element(d)["colour"] = "red"

    def list_without_item(d: dict[str, Any]) -> None:
        e = _element(d)
        e.pop("valueType", None)
        e.pop("allowedRange", None)
        e.pop("allowedValues", None)
        e.pop("example", None)
        e["modelType"] = "SubmodelElementList"

    return [
        ("missing Korean name", drop_ko, f"{ELEMENT_PATH}.name", "'ko' is a required property"),
        ("invalid idShort", bad_id_short, f"{ELEMENT_PATH}.idShort", "does not match"),
        ("unknown valueType", bad_value_type, f"{ELEMENT_PATH}.valueType", "is not one of"),
        ("example of the wrong type", bad_example, f"{ELEMENT_PATH}.example", "not a valid xs:int"),
        ("allowedRange min > max", bad_range, f"{ELEMENT_PATH}.allowedRange", "greater than max"),
        ("duplicate idShort", duplicate, "$.submodels[1].elements", "duplicate idShort"),
        ("unknown fragment", unknown_fragment, "$.submodels[1].elements[0].include", "no fragment 'no-such-fragment'"),
        ("unknown key", unknown_key, ELEMENT_PATH, "Additional properties are not allowed"),
        ("list without item", list_without_item, ELEMENT_PATH, "'item' is a required property"),
    ]


@pytest.mark.parametrize(("mutate", "json_path", "message"), [m[1:] for m in _mutations()],
                         ids=[m[0] for m in _mutations()])
def test_bad_spec_file_gives_located_error(tmp_path: Path, mutate: Any, json_path: str, message: str) -> None:
    doc = _base_doc()
    mutate(doc)
    f = tmp_path / "broken.json"
    f.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec_file(f)
    assert info.value.file == str(f)
    assert info.value.json_path == json_path
    assert message in info.value.message
    assert str(info.value).startswith(f"{f}: {json_path}: ")


def test_malformed_json_spec(tmp_path: Path) -> None:
    f = tmp_path / "broken.json"
    f.write_text('{"model": "x",\n "version": }', encoding="utf-8")
    with pytest.raises(SpecError, match=r"not JSON: Expecting value at line 2 column 13"):
        load_spec_file(f)


def test_the_unmodified_base_document_loads(tmp_path: Path) -> None:
    """Control for the mutation tests above: the errors come from the mutations."""
    f = tmp_path / "ok.json"
    f.write_text(json.dumps(_base_doc()), encoding="utf-8")
    assert load_spec_file(f).model == "machining"


def test_packaged_spec_files_and_fragments_pass_the_spec_schema() -> None:
    """Packaged models are loaded without the schema check (fast start); this proves they conform."""
    import jsonschema

    root = Path(__file__).resolve().parent.parent
    schema = json.loads((root / "schemas" / "refmodel-spec.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted((root / "models").glob("*/*.json"))
    assert len(files) >= len(MODELS) + 2
    for f in files:
        errors = [e.message for e in validator.iter_errors(json.loads(f.read_text(encoding="utf-8")))]
        assert errors == [], f
