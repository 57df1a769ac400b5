"""ISO 22400-2 KPIs from IDTA 02066 process variables: hand-checked values, undefined inputs, PVM -> KPI submodel."""

from __future__ import annotations

import datetime
import decimal
import json
import math
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]
from hypothesis import given
from hypothesis import strategies as st

from aas_refmodels.build import build_instance, build_template
from aas_refmodels.errors import AasRefModelsError
from aas_refmodels.io import serialize
from aas_refmodels.kpi import VARIABLES, KpiError, ManufacturingKpis, compute_kpis, kpi_values, read_variables
from aas_refmodels.spec import Cardinality, load_model

PVM_SM = "ProcessVariablesForManufacturingKPICalculation"
PERIOD = ("2026-11-25T08:00:00+09:00", "2026-11-25T17:00:00+09:00")
ASSET = "https://example.com/ids/asset/vmc-07"

# A day shift worked out by hand (times in seconds unless written as ISO 8601 durations).
HAND = {
    "PBT": "PT8H",  # 28800 s
    "APT": 25200,  # 7 h
    "PRI": datetime.timedelta(seconds=60),
    "PQ": 400,
    "GQ": decimal.Decimal("380"),
    "SQ": "12",
    "RQ": 8,
    "AUST": relativedelta(minutes=30),  # 1800 s
    "AUPT": "PT7H30M",  # 27000 s
    "AOET": "PT9H",
    "GP": 95,
    "IP": 100,
    "TBF": "PT14H",
    "TTR": "PT1H",
    "FE": 2,
}
HAND_EXPECTED = {
    "availability": 25200 / 28800,  # 0.875
    "effectiveness": 60 * 400 / 25200,  # 0.952381
    "quality_ratio": 380 / 400,  # 0.95
    "oee": 60 * 380 / 28800,  # 0.791667 = PRI x GQ / PBT
    "scrap_ratio": 12 / 400,  # 0.03
    "rework_ratio": 8 / 400,  # 0.02
    "setup_rate": 1800 / 27000,  # 0.066667
    "throughput_rate": 400 / 9,  # 44.44 pcs/h
    "first_pass_yield": 95 / 100,
    "mtbf": 7.0,  # 14 h / 2 failures
    "mttr": 0.5,  # 1 h / 2 failures
}


def test_known_values_computed_by_hand() -> None:
    kpis = compute_kpis(HAND)
    for attr, expected in HAND_EXPECTED.items():
        assert getattr(kpis, attr) == pytest.approx(expected, rel=1e-12), attr
    assert kpis.oee == pytest.approx(kpis.availability * kpis.effectiveness * kpis.quality_ratio)  # type: ignore[operator]
    assert kpis.inputs["PBT"] == 28800 and kpis.inputs["AUST"] == 1800 and kpis.inputs["PRI"] == 60


@pytest.mark.parametrize("apt", [27000, 27000.0, "27000", decimal.Decimal("27000"), "PT7H30M", " PT450M ",
                                 "PT27000S", datetime.timedelta(hours=7, minutes=30),
                                 relativedelta(hours=7, minutes=30)])
def test_every_duration_form_means_the_same_seconds(apt: Any) -> None:
    assert compute_kpis({"APT": apt, "PBT": "P0DT9H"}).availability == pytest.approx(27000 / 32400)


def test_only_kpis_whose_inputs_are_present_are_computed() -> None:
    kpis = compute_kpis({"GQ": 5, "PQ": 10, "AQT": "PT3M"})
    assert kpis.quality_ratio == 0.5
    assert kpis.values() == {"QualityRatio": 0.5}
    assert kpis.oee is None and kpis.availability is None and kpis.scrap_ratio is None
    assert compute_kpis({}).values() == {}


def test_iso_and_template_spellings_are_accepted() -> None:
    kpis = compute_kpis({"ASUT": 10, "AUPT": 100, "PRU": 5, "PQ": 2, "ActualProductionTime": "PT20S",
                         "PlannedBusyTime": "PT40S"})
    assert kpis.setup_rate == pytest.approx(0.1)
    assert kpis.effectiveness == pytest.approx(0.5)
    assert kpis.availability == pytest.approx(0.5)


UNDEFINED = [
    ({"APT": 100, "PBT": 0}, "Availability", "planned busy time PBT is zero"),
    ({"PRI": 10, "PQ": 5, "APT": "PT0S"}, "Effectiveness", "actual production time APT is zero"),
    ({"GQ": 0, "PQ": 0}, "QualityRatio", "produced quantity PQ is zero"),
    ({"SQ": 0, "PQ": 0}, "ScrapRatio", "produced quantity PQ is zero"),
    ({"RQ": 1, "PQ": 0}, "ReworkRatio", "produced quantity PQ is zero"),
    ({"AUST": 0, "AUPT": "PT0S"}, "SetupRate", "AUPT is zero"),
    ({"PQ": 10, "AOET": 0}, "ThroughputRate", "AOET is zero"),
    ({"GP": 0, "IP": 0}, "FirstPassYield", "IP is zero"),
    ({"TBF": "PT10H", "FE": 0}, "MTBF", "FE is zero"),
    ({"TTR": "PT1H", "FE": 0}, "MTTR", "FE is zero"),
    ({"APT": -1, "PBT": 10}, "Availability", "actual production time is negative (APT = -1 s)"),
    ({"APT": "-PT5M", "PBT": 10}, "Availability", "negative"),
    ({"GQ": -3, "PQ": 10}, "QualityRatio", "good quantity is negative"),
    ({"GQ": 11, "PQ": 10}, "QualityRatio", "good quantity exceeds produced quantity (GQ = 11 > PQ = 10)"),
    ({"SQ": 11, "PQ": 10}, "ScrapRatio", "exceeds"),
    ({"RQ": 11, "PQ": 10}, "ReworkRatio", "exceeds"),
    ({"GP": 11, "IP": 10}, "FirstPassYield", "exceeds"),
    ({"AUST": "PT2H", "AUPT": "PT1H"}, "SetupRate", "exceeds"),
    ({"APT": "P1M", "PBT": 10}, "Availability", "years or months"),
    ({"APT": "abc", "PBT": 10}, "Availability", "neither a number of seconds nor an ISO 8601 duration"),
    ({"GQ": True, "PQ": 10}, "QualityRatio", "boolean"),
    ({"GQ": float("nan"), "PQ": 10}, "QualityRatio", "finite"),
    ({"GQ": "many", "PQ": 10}, "QualityRatio", "not a number"),
    ({"PBT": 0, "APT": 10, "PRI": 1, "PQ": 1, "GQ": 1}, "OEE", "Availability is undefined"),
]


@pytest.mark.parametrize(("inputs", "kpi", "reason"), UNDEFINED)
def test_each_undefined_kpi_raises_kpi_error_naming_it(inputs: dict[str, Any], kpi: str, reason: str) -> None:
    with pytest.raises(KpiError) as info:
        compute_kpis(inputs)
    assert isinstance(info.value, AasRefModelsError)
    assert kpi in info.value.kpis
    messages = dict(info.value.problems)
    assert reason in messages[kpi]
    assert kpi in str(info.value) and reason in str(info.value)


def test_every_undefined_kpi_is_listed_in_one_error() -> None:
    with pytest.raises(KpiError) as info:
        compute_kpis({"PBT": 0, "APT": "PT6H", "PRI": 30, "PQ": 0, "GQ": 0, "SQ": 0, "IP": 0, "GP": 0, "AQT": -1})
    assert info.value.kpis == ("AQT", "Availability", "QualityRatio", "ScrapRatio", "FirstPassYield", "OEE")
    assert dict(info.value.problems)["OEE"] == "undefined: Availability, QualityRatio are undefined"
    assert str(info.value).startswith("manufacturing KPIs are undefined for these inputs (6 problems)")


def test_a_bad_variable_no_kpi_uses_is_still_reported() -> None:
    with pytest.raises(KpiError) as info:
        compute_kpis({"APT": "PT1H", "PBT": "PT2H", "ATT": "soon"})
    assert info.value.kpis == ("ATT",)
    with pytest.raises(KpiError) as info:
        compute_kpis({"APT": -5})  # no KPI can be formed from APT alone, the negative value is still an error
    assert info.value.kpis == ("APT",)


def test_unknown_variables_are_rejected() -> None:
    with pytest.raises(KpiError) as info:
        compute_kpis({"APTT": 1, "PBT": 1})
    assert info.value.kpis == ("APTT",)
    assert "unknown ISO 22400-2 variable" in str(info.value)
    with pytest.raises(TypeError):
        compute_kpis([("APT", 1)])  # type: ignore[arg-type]


def test_read_variables_gives_seconds_and_counts() -> None:
    assert read_variables({"PBT": "PT7H30M", "PQ": "420", "PRI": "PT50S"}) == {"PBT": 27000.0, "PQ": 420.0,
                                                                               "PRI": 50.0}
    with pytest.raises(KpiError):
        read_variables({"PQ": -1})


def test_kpi_values_need_a_calculation_period() -> None:
    kpis = compute_kpis({"GQ": 9, "PQ": 10})
    with pytest.raises(KpiError) as info:
        kpi_values(kpis)
    assert info.value.kpis == ("CalculationPeriod",)
    with pytest.raises(KpiError, match="is after end"):
        kpi_values(kpis, period=(PERIOD[1], PERIOD[0]))
    with pytest.raises(KpiError, match="not an xs:dateTime"):
        compute_kpis({"GQ": 9, "PQ": 10}, period=("yesterday", PERIOD[1]))
    values = kpi_values(kpis, period=(datetime.datetime(2026, 11, 25, 8, tzinfo=datetime.timezone(
        datetime.timedelta(hours=9))), PERIOD[1]))
    assert values == {"ManufacturingKPIs.QualityRatio": 0.9,
                      "ManufacturingKPIs.CalculationPeriod": {"min": PERIOD[0], "max": PERIOD[1]}}


def test_hand_values_build_a_kpi_instance_with_every_kpi() -> None:
    kpis = compute_kpis(HAND, period=PERIOD, input_variables="https://example.com/ids/sm/pvm/hand")
    built = build_instance(load_model("manufacturing-kpis"), kpi_values(kpis))
    sm = built.submodels[0]
    got = {e.id_short: e for e in sm.submodel_element}
    assert set(got) == {*kpis.values(), "CalculationPeriod", "InputVariables"}
    assert float(got["MTBF"].value) == 7.0  # type: ignore[attr-defined]
    assert _aas_core_errors(built.objects()) == []


def _aas_core_errors(objects: list[Any]) -> list[str]:
    from aas_core3_1 import jsonization, verification

    env = jsonization.environment_from_jsonable(json.loads(serialize(objects, "json", "3.1")))
    return [f"{e.path}: {e.cause}" for e in verification.verify(env)]


def test_pvm_example_instance_to_kpi_instance_verifies_clean() -> None:
    pvm = build_instance(load_model("idta-pvm"), asset_id=ASSET)
    pvm_sm = pvm.submodels[0]
    kpis = compute_kpis(pvm_sm, period=PERIOD)
    assert kpis.input_variables == f"submodel:{pvm_sm.id}"

    spec = load_model("manufacturing-kpis")
    built = build_instance(spec, kpi_values(kpis), asset_id=ASSET)
    # the KPI examples of the spec are the KPIs of the PVM examples (rounded there)
    examples = {e.id_short: e.example for _, e in spec.walk()}
    for name, value in kpis.values().items():
        assert value == pytest.approx(examples[name], abs=5e-3 if name == "ThroughputRate" else 5e-5), name
    assert set(kpis.values()) == set(examples) - {"MTBF", "MTTR", "CalculationPeriod", "InputVariables"}

    sm = built.submodels[0]
    ref = sm.get_referable("InputVariables").value  # type: ignore[attr-defined]
    assert ref.key[0].type.name == "SUBMODEL" and ref.key[0].value == pvm_sm.id
    period = sm.get_referable("CalculationPeriod")
    assert (period.min.isoformat(), period.max.isoformat()) == PERIOD  # type: ignore[attr-defined]

    assert _aas_core_errors(built.objects()) == []
    assert _aas_core_errors([*pvm.objects(), *built.objects()]) == []


def test_pvm_submodel_is_read_by_semantic_id_and_key_is_checked() -> None:
    values = {f"{PVM_SM}.{name}": {"key": key, "currentValue": value, "comment": {"en": "c", "ko": "설명"}}
              for name, key, value in [("PlannedBusyTime", "PBT", "PT8H"), ("ActualProductionTime", "APT", "PT6H")]}
    sm = build_instance(load_model("idta-pvm"), values).submodels[0]
    # idShorts do not matter, semantic IDs do
    for element in list(sm.submodel_element):
        element.id_short = f"{element.id_short}X"
    kpis = compute_kpis(sm)
    assert kpis.values() == {"Availability": 0.75}
    assert kpis.inputs == {"PBT": 28800.0, "APT": 21600.0}

    apt = sm.get_referable("ActualProductionTimeX")
    apt.get_referable("key").value = "ADET"  # type: ignore[attr-defined]
    with pytest.raises(KpiError, match="has key 'ADET', expected 'APT'"):
        compute_kpis(sm)


def test_pvm_spec_reproduces_the_published_template() -> None:
    spec = load_model("idta-pvm")
    (sm,) = spec.submodels
    assert sm.id_short == PVM_SM
    assert sm.id == sm.semantic_id == f"https://admin-shell.io/idta/SubmodelTemplate/{PVM_SM}/1/0"
    assert (sm.administration.version, sm.administration.revision) == ("1", "0")
    assert len(sm.elements) == 19
    by_id_short = {v.id_short: v for v in VARIABLES.values() if v.id_short}
    assert [e.id_short for e in sm.elements] == list(by_id_short)  # published order
    for e in sm.elements:
        variable = by_id_short[e.base_id_short]
        assert e.model_type == "SubmodelElementCollection" and e.cardinality is Cardinality.ZERO_TO_ONE
        assert e.semantic_id == variable.semantic_id
        key, current, comment = e.children
        assert [key.id_short, current.id_short, comment.id_short] == ["key", "currentValue", "comment"]
        assert all(c.cardinality is Cardinality.ONE for c in e.children)
        assert key.allowed_values == (variable.key,) and key.example == variable.key
        assert current.value_type == ("xs:duration" if variable.kind == "duration" else "xs:decimal")
        assert comment.model_type == "MultiLanguageProperty"
        assert {c.semantic_id.rsplit("/", 3)[-3] for c in e.children} == {"key", "currentValue", "comment"}
    assert by_id_short["ActualUnitSetupTime"].semantic_id.endswith("#ActualSetupTime")  # type: ignore[union-attr]
    assert by_id_short["PlannedRuntimePerItem"].semantic_id.endswith("#PlannedRuntimePerUnit")  # type: ignore[union-attr]
    template = build_template(spec)
    assert _aas_core_errors(template.objects()) == []


def test_kpi_spec_documents_each_formula() -> None:
    spec = load_model("manufacturing-kpis")
    (sm,) = spec.submodels
    definitions = {e.id_short: e.definition["en"] for e in sm.elements}
    for name, formula in [("Availability", "APT / PBT"), ("Effectiveness", "PRI x PQ / APT"),
                          ("QualityRatio", "GQ / PQ"), ("OEE", "Availability x Effectiveness x QualityRatio"),
                          ("ScrapRatio", "SQ / PQ"), ("ReworkRatio", "RQ / PQ"), ("SetupRate", "AUST / AUPT"),
                          ("ThroughputRate", "PQ / AOET"), ("FirstPassYield", "GP / IP"), ("MTBF", "TBF"),
                          ("MTTR", "TTR")]:
        assert formula in definitions[name], name
    period = next(e for e in sm.elements if e.id_short == "CalculationPeriod")
    assert period.cardinality is Cardinality.ONE and period.value_type == "xs:dateTime"


# ----------------------------------------------------------------------------------------------- properties

seconds = st.integers(min_value=1, max_value=10**7)


@given(pbt=seconds, apt=seconds, pri=st.integers(0, 3600), pq=st.integers(1, 10**6), data=st.data())
def test_oee_is_the_product_of_its_factors(pbt: int, apt: int, pri: int, pq: int, data: st.DataObject) -> None:
    gq = data.draw(st.integers(0, pq))
    kpis = compute_kpis({"PBT": f"PT{pbt}S", "APT": apt, "PRI": pri, "PQ": pq, "GQ": gq})
    a, e, q, oee = kpis.availability, kpis.effectiveness, kpis.quality_ratio, kpis.oee
    assert a is not None and e is not None and q is not None and oee is not None
    assert math.isclose(oee, a * e * q, rel_tol=1e-12, abs_tol=1e-15)
    assert math.isclose(oee, pri * gq / pbt, rel_tol=1e-9, abs_tol=1e-12)
    assert 0 <= q <= 1
    assert a >= 0 and e >= 0


@given(pq=st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
       data=st.data())
def test_ratios_of_parts_stay_between_zero_and_one(pq: decimal.Decimal, data: st.DataObject) -> None:
    part = st.decimals(min_value=0, max_value=pq, places=3, allow_nan=False, allow_infinity=False)
    gq, sq, rq = data.draw(part), data.draw(part), data.draw(part)
    inputs = {"PQ": str(pq), "GQ": gq, "SQ": sq, "RQ": rq}
    if pq == 0:
        with pytest.raises(KpiError) as info:
            compute_kpis(inputs)
        assert set(info.value.kpis) == {"QualityRatio", "ScrapRatio", "ReworkRatio"}
        return
    kpis = compute_kpis(inputs)
    for value in (kpis.quality_ratio, kpis.scrap_ratio, kpis.rework_ratio):
        assert value is not None and 0 <= value <= 1


@given(key=st.sampled_from(sorted(VARIABLES)), amount=st.integers(1, 10**6))
def test_a_negative_variable_is_always_reported(key: str, amount: int) -> None:
    inputs: dict[str, Any] = {k: 100 for k in VARIABLES}
    inputs[key] = -amount
    with pytest.raises(KpiError) as info:
        compute_kpis(inputs)
    assert any(key in message for _, message in info.value.problems)


@given(pbt=seconds, apt=seconds, pq=st.integers(1, 5000), data=st.data())
def test_computed_kpis_always_build_a_valid_instance(pbt: int, apt: int, pq: int, data: st.DataObject) -> None:
    gq = data.draw(st.integers(0, pq))
    kpis = compute_kpis({"PBT": pbt, "APT": apt, "PRI": 30, "PQ": pq, "GQ": gq, "SQ": pq - gq}, period=PERIOD)
    assert isinstance(kpis, ManufacturingKpis)
    build_instance(load_model("manufacturing-kpis"), kpi_values(kpis))  # no ValuesError: types and ranges fit
