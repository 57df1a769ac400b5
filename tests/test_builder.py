"""The generic builder: templates carry SMT qualifiers, instances are filled by idShort path, and every
problem with the values is reported together with its path."""

from __future__ import annotations

import json
from typing import Any

import pytest
from basyx.aas import model
from basyx.aas.util import traversal

from aas_refmodels.build import build_instance, build_shell, build_template
from aas_refmodels.build.values import example_values
from aas_refmodels.errors import ValuesError
from aas_refmodels.spec import load_model

from .builds import MODELS

CARDINALITY_IRI = "https://admin-shell.io/SubmodelTemplates/Cardinality/1/0"


def _elements(sm: model.Submodel) -> list[model.SubmodelElement]:
    return list(traversal.walk_submodel(sm))


@pytest.mark.parametrize("model_name", MODELS)
def test_template_has_one_cardinality_qualifier_per_element(model_name: str) -> None:
    built = build_template(load_model(model_name))
    for sm in built.submodels:
        assert sm.kind is model.ModellingKind.TEMPLATE
        assert sm.administration is not None and sm.administration.version
        for el in _elements(sm):
            cards = [q for q in el.qualifier if q.type == "SMT/Cardinality"]
            assert len(cards) == 1, el
            q = cards[0]
            assert q.kind is model.QualifierKind.TEMPLATE_QUALIFIER
            assert q.value in {"One", "ZeroToOne", "ZeroToMany", "OneToMany"}
            assert q.semantic_id is not None and q.semantic_id.key[0].value == CARDINALITY_IRI


@pytest.mark.parametrize("model_name", MODELS)
def test_instance_has_no_template_qualifiers(model_name: str) -> None:
    built = build_instance(load_model(model_name))
    for sm in built.submodels:
        assert sm.kind is model.ModellingKind.INSTANCE
        assert all(not el.qualifier for el in _elements(sm))


def test_template_qualifiers_for_allowed_values_range_and_example() -> None:
    built = build_template(load_model("machining"))
    pp = next(sm for sm in built.submodels if sm.id_short == "ProcessParameters")
    quals = {el.id_short: {q.type: q.value for q in el.qualifier} for el in _elements(pp) if el.id_short}
    assert quals["OperationType"]["SMT/AllowedValue"].startswith("^(Turning|Milling|")
    assert quals["PlannedProcessTime"]["SMT/ExampleValue"] == "PT45S" or "SMT/ExampleValue" in quals["PlannedProcessTime"]
    ranged = [q for q in quals.values() if "SMT/AllowedRange" in q]
    assert ranged and all(q["SMT/AllowedRange"].startswith("[") for q in ranged)


def test_list_items_have_no_id_short_and_repeated_elements_are_numbered() -> None:
    spec = load_model("machining")
    values: dict[str, Any] = {k: v for k, v in example_values(spec).items()
                              if not k.startswith(("ProcessData.MaterialLot", "ProcessData.PartIds"))}
    values["ProcessData.MaterialLot"] = [{"MaterialId": "S45C", "MaterialLotNumber": "A1"},
                                         {"MaterialId": "S45C", "MaterialLotNumber": "A2"}]
    values["ProcessData.PartIds"] = ["SN-1", "SN-2", "SN-3"]
    built = build_instance(spec, values)
    data = next(sm for sm in built.submodels if sm.id_short == "ProcessData")
    names = [el.id_short for el in data.submodel_element]
    assert "MaterialLot01" in names and "MaterialLot02" in names and "MaterialLot03" not in names
    lot2 = data.get_referable("MaterialLot02")
    assert isinstance(lot2, model.SubmodelElementCollection)
    assert lot2.get_referable("MaterialLotNumber").value == "A2"  # type: ignore[attr-defined]
    part_ids = data.get_referable("PartIds")
    assert isinstance(part_ids, model.SubmodelElementList)
    assert [p.value for p in part_ids.value] == ["SN-1", "SN-2", "SN-3"]
    # basyx keeps an internal placeholder idShort on list items; none reaches the file
    from aas_refmodels.io import serialize

    doc = json.loads(serialize(built.objects(), "json"))
    sm = next(s for s in doc["submodels"] if s["idShort"] == "ProcessData")
    items = next(e for e in sm["submodelElements"] if e["idShort"] == "PartIds")["value"]
    assert len(items) == 3 and all("idShort" not in item for item in items)


def test_the_same_value_given_twice_is_a_problem() -> None:
    spec = load_model("machining")
    values: dict[str, Any] = dict(example_values(spec))
    values["ProcessData"] = {"CycleTime": 1.0}
    with pytest.raises(ValuesError) as info:
        build_instance(spec, values)
    assert info.value.problems == (("ProcessData.CycleTime", "given twice"),)


def _nested(flat: dict[str, Any]) -> dict[str, Any]:
    """Flat example values -> nested form (exercises the nested input path)."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        sm, _, rest = key.partition(".")
        out.setdefault(sm, {})[rest] = value
    return out


def test_flat_and_nested_values_build_the_same_instance() -> None:
    spec = load_model("injection-molding")
    flat = example_values(spec)
    a = build_instance(spec, flat)
    b = build_instance(spec, _nested(flat))
    from aas_refmodels.io import serialize

    assert serialize(a.objects(), "json") == serialize(b.objects(), "json")


def test_values_are_coerced_to_the_declared_type() -> None:
    spec = load_model("machining")
    values = example_values(spec)
    values["ProcessData.CycleCounter"] = "1842"  # string from an MES export -> xs:unsignedLong
    values["ProcessData.CycleTime"] = 42  # int -> xs:double
    built = build_instance(spec, values)
    data = next(sm for sm in built.submodels if sm.id_short == "ProcessData")
    counter = data.get_referable("CycleCounter")
    cycle = data.get_referable("CycleTime")
    assert isinstance(counter, model.Property) and counter.value == 1842 and counter.value_type is model.datatypes.UnsignedLong
    assert isinstance(cycle, model.Property) and cycle.value == 42.0 and isinstance(cycle.value, float)


def test_every_problem_is_reported_together() -> None:
    spec = load_model("machining")
    values = example_values(spec)
    del values["ProcessData.StartTime"]  # mandatory
    values["ProcessData.CycleTime"] = "fast"  # wrong type
    values["ProcessData.ResultEvaluation"] = "Great"  # not an allowed value
    values["ProcessData.CycleCounter"] = -3  # outside xs:unsignedLong
    values["ProcessData.SpindleSpeedd"] = 5000  # unknown path
    values["ProcessData.CycleTime2"] = 1.0  # unknown path
    with pytest.raises(ValuesError) as info:
        build_instance(spec, values)
    paths = {p for p, _ in info.value.problems}
    assert paths == {"ProcessData.StartTime", "ProcessData.CycleTime", "ProcessData.ResultEvaluation",
                     "ProcessData.CycleCounter", "ProcessData.SpindleSpeedd", "ProcessData.CycleTime2"}
    messages = dict(info.value.problems)
    assert "missing mandatory Property" in messages["ProcessData.StartTime"]
    assert "not a valid xs:double" in messages["ProcessData.CycleTime"]
    assert "not one of the allowed values" in messages["ProcessData.ResultEvaluation"]
    assert "unknown element" in messages["ProcessData.SpindleSpeedd"]
    text = str(info.value)
    assert "6 problems" in text and all(p in text for p in paths)


def test_values_outside_the_allowed_range_are_rejected() -> None:
    spec = load_model("machining")
    values = example_values(spec)
    values["ProcessData.CycleTime"] = -1.0
    with pytest.raises(ValuesError) as info:
        build_instance(spec, values)
    assert info.value.problems == (("ProcessData.CycleTime", "-1 is outside the allowed range [0, ]"),)


def test_missing_mandatory_list_item_and_collection_children() -> None:
    spec = load_model("injection-molding")
    values = {k: v for k, v in example_values(spec).items() if ".InjectionUnits[" not in k or "ProcessParameters" in k}
    with pytest.raises(ValuesError) as info:
        build_instance(spec, values)
    assert ("ProcessData.InjectionUnits", "missing: the list needs at least one item") in info.value.problems


def test_mlp_range_file_and_reference_values() -> None:
    spec = load_model("machining")
    values = example_values(spec)
    values["ProcessParameters.Processes.Process[0].ProcessDescription"] = {"en": "Finish", "ko": "정삭"}
    built = build_instance(spec, values)
    pp = next(sm for sm in built.submodels if sm.id_short == "ProcessParameters")
    desc = pp.get_referable("Processes").get_referable("Process01").get_referable("ProcessDescription")  # type: ignore[attr-defined]
    assert isinstance(desc, model.MultiLanguageProperty)
    assert dict(desc.value or {}) == {"en": "Finish", "ko": "정삭"}


def test_instance_submodel_ids_follow_the_asset_id() -> None:
    built = build_instance(load_model("welding"), asset_id="https://factory.example.kr/asset/W-07")
    assert {sm.id for sm in built.submodels} == {"https://factory.example.kr/asset/W-07/sm/ProcessParameters",
                                                  "https://factory.example.kr/asset/W-07/sm/ProcessData"}


def test_shell_contains_nameplate_technical_data_and_process_submodels() -> None:
    built = build_shell(load_model("press"), asset_id="https://factory.example.kr/asset/P-200")
    assert len(built.shells) == 1
    shell = built.shells[0]
    assert shell.asset_information.global_asset_id == "https://factory.example.kr/asset/P-200"
    ids = {sm.id_short for sm in built.submodels}
    assert ids == {"Nameplate", "TechnicalData", "ProcessParameters", "ProcessData",
                   "ProcessVariablesForManufacturingKPICalculation", "ManufacturingKPIs", "TimeSeries"}
    assert {ref.key[0].value for ref in shell.submodel} == {sm.id for sm in built.submodels}
    td = next(sm for sm in built.submodels if sm.id_short == "TechnicalData")
    areas = td.get_referable("TechnicalPropertyAreas")
    assert isinstance(areas, model.SubmodelElementList)
    tech = {e.id_short for _, e in [(None, x) for x in load_model("press").technical_properties]}
    assert tech and tech <= {el.id_short for el in areas.value[0].value}  # type: ignore[attr-defined]


def test_concept_descriptions_for_every_own_concept() -> None:
    spec = load_model("injection-molding")
    built = build_template(spec)
    cds = {cd.id: cd for cd in built.concept_descriptions}
    elements = [e for _, e in spec.walk()] + [e for t in spec.technical_properties for _, e in t.walk()]
    own = {e.semantic_id for e in elements if e.semantic_id.startswith(spec.base_iri)}
    own |= {f"{spec.base_iri}qualifier/{q}/1/0" for q in ("Disclosure", "Identifier")}  # disclosure qualifiers
    assert own == set(cds)
    cd = cds[next(e.semantic_id for _, e in spec.walk() if e.id_short == "InjectionTime")]
    content = cd.embedded_data_specifications[0].data_specification_content
    assert isinstance(content, model.DataSpecificationIEC61360)
    assert set(content.preferred_name) == {"en", "ko"} and set(content.definition or {}) == {"en", "ko"}
    assert content.unit == "s" and content.data_type is model.DataTypeIEC61360.REAL_MEASURE
    assert any("IMM2MES" in ref.key[0].value for ref in cd.is_case_of or ())


def test_shell_computes_kpis_from_the_process_variables() -> None:
    """Without KPI values, the shell's ManufacturingKPIs come from its PVM variables (ISO 22400-2)."""
    from aas_refmodels.build.shell import shell_spec

    process = load_model("forging")
    values = {k: v for k, v in example_values(shell_spec(process)).items()
              if not k.startswith("ManufacturingKPIs.") or k.endswith(".CalculationPeriod")}
    pvm = "ProcessVariablesForManufacturingKPICalculation"
    values[f"{pvm}.ActualProductionTime.currentValue"] = "PT6H"
    values[f"{pvm}.PlannedBusyTime.currentValue"] = "PT8H"
    built = build_shell(process, values=values, asset_id="https://factory.example.kr/asset/F-1")
    kpis = next(sm for sm in built.submodels if sm.id_short == "ManufacturingKPIs")
    availability = kpis.get_referable("Availability")
    assert isinstance(availability, model.Property) and availability.value == 0.75
    ref = kpis.get_referable("InputVariables")
    assert isinstance(ref, model.ReferenceElement) and ref.value is not None
    pvm_sm = next(sm for sm in built.submodels if sm.id_short == pvm)
    assert ref.value.key[0].value == pvm_sm.id  # the reference resolves inside the shell


def test_shell_instance_leaves_out_companions_the_values_do_not_fill() -> None:
    from aas_refmodels.build.shell import shell_spec

    process = load_model("painting")
    keep = ("Nameplate.", "TechnicalData.", "ProcessParameters.", "ProcessData.")
    values = {k: v for k, v in example_values(shell_spec(process)).items() if k.startswith(keep)}
    built = build_shell(process, values=values)
    assert [sm.id_short for sm in built.submodels] == ["Nameplate", "TechnicalData", "ProcessParameters", "ProcessData"]
    assert {ref.key[0].value for ref in built.shells[0].submodel} == {sm.id for sm in built.submodels}
