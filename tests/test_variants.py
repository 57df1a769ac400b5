"""Exclusive process variants (a MAG seam or a spot weld, a carburizing load or an induction-hardened part):
one example record is one variant, the tags agree with the coherent example files, bad tags are spec errors."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from aas_refmodels.build import build_instance
from aas_refmodels.build import values as V
from aas_refmodels.errors import SpecError, ValuesError
from aas_refmodels.spec import ElementSpec, ModelSpec, load_model, load_spec_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PROCESSES = ["machining", "injection-molding", "press", "welding", "painting", "heat-treatment", "die-casting",
             "forging", "surface-treatment", "assembly"]
# Audit of the ten process models: the ones whose elements include exclusive alternatives declare variants.
WITH_VARIANTS = {"welding": {"mag", "pulse-mag", "spot"}, "heat-treatment": {"carburizing", "nitriding", "induction"},
                 "painting": {"electrocoat", "spray", "air-spray"}}
# Why the others declare none (their elements are all parts of one kind of record):
NO_VARIANTS = {
    "machining": "the milling record's FeedPerRevolution is fz x z of the same cut (0.05 x 4 = 0.2 mm); no "
                 "turning-only element exists",
    "injection-molding": "one machine type; every element is recorded by an IMM2MES machine",
    "press": "a mechanical (crank) press record; no servo- or hydraulic-only element exists",
    "forging": "one screw-press record; blows, heating and trimming are stations of one line",
    "die-casting": "a cold-chamber HPDC record (sleeve, biscuit); no hot-chamber-only element exists",
    "surface-treatment": "a Zn-Ni barrel record; the Ni and barrel elements are optional and no rack- or "
                         "zinc-only element exists",
    "assembly": "press-fit, tightening and leak test are sequential stations of one line, recorded together",
}


def _spec(model: str) -> ModelSpec:
    return load_model(model)


def _tagged(spec: ModelSpec) -> dict[str, ElementSpec]:
    """Generic path (``A.B[].C``) -> element, for every element of the model."""
    return dict(V.index_spec(spec))  # type: ignore[arg-type]


def _other_variant_paths(spec: ModelSpec, flat: dict[str, Any], key: str) -> list[str]:
    """Paths of ``flat`` (and their ancestors) whose element does not belong to variant ``key``."""
    index = _tagged(spec)
    bad = []
    for path in flat:
        parts = V.split(path)
        for n in range(1, len(parts) + 1):
            e = index.get(V.generic(V.join(parts[:n])))
            if e is not None and not e.in_variant(key):
                bad.append(path)
                break
    return bad


def test_audit_covers_all_ten_process_models() -> None:
    assert set(WITH_VARIANTS) | set(NO_VARIANTS) == set(PROCESSES)
    for model in PROCESSES:
        keys = {v.key for v in _spec(model).variants}
        assert keys == WITH_VARIANTS.get(model, set()), model


@pytest.mark.parametrize("model", PROCESSES)
def test_values_json_is_the_default_variant(model: str) -> None:
    """``values.json`` carries no element tagged for another variant; where a model has variants its record is
    exactly the spec's default example record."""
    spec = _spec(model)
    flat, problems = V.flatten(json.loads((EXAMPLES / model / "values.json").read_text(encoding="utf-8")),
                               V.index_spec(spec))
    assert problems == []
    if spec.variants:
        default = spec.default_variant
        assert default is not None
        assert _other_variant_paths(spec, flat, default) == []
        assert flat == V.example_values(spec)


VARIANT_FILES = sorted(EXAMPLES.glob("*/values-*.json"))


@pytest.mark.parametrize("path", VARIANT_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_variant_file_is_that_variant_only(path: Path) -> None:
    spec = _spec(path.parent.name)
    key = path.stem[len("values-"):]
    assert key in {v.key for v in spec.variants}, f"{path.name}: {key!r} is no declared variant"
    assert key != spec.default_variant, "the default variant's record is values.json"
    flat, problems = V.flatten(json.loads(path.read_text(encoding="utf-8")), V.index_spec(spec))
    assert problems == []
    assert _other_variant_paths(spec, flat, key) == []
    assert flat == V.example_values(spec, key), "the file and the spec's variant examples disagree"


@pytest.mark.parametrize("model", sorted(WITH_VARIANTS))
def test_every_non_default_variant_has_a_values_file(model: str) -> None:
    spec = _spec(model)
    for v in spec.variants:
        if not v.default:
            assert (EXAMPLES / model / f"values-{v.key}.json").is_file(), v.key


def _cases() -> list[tuple[str, str | None]]:
    cases: list[tuple[str, str | None]] = []
    for model in PROCESSES:
        keys = sorted(WITH_VARIANTS.get(model, ()))
        cases.extend((model, k) for k in keys) if keys else cases.append((model, None))
    return cases


@pytest.mark.parametrize(("model", "variant"), _cases(), ids=lambda x: str(x))
def test_every_variant_builds_a_valid_instance_of_that_variant_only(model: str, variant: str | None) -> None:
    from aas_refmodels.io import serialize

    from .checks import aas_core_errors

    spec = _spec(model)
    built = build_instance(spec, variant=variant)
    assert aas_core_errors(serialize(built.objects(), "json", "3.1"), "json", "3.1") == []  # type: ignore[arg-type]
    key = variant or spec.default_variant
    found = [(p, e) for sm, sm_spec in zip(built.submodels, spec.submodels, strict=True)
             for p, e in _built_elements(sm.id_short, sm.submodel_element, sm_spec.elements)]
    for p, e in found:
        if key is not None:
            assert e.in_variant(key), f"{p} (variant {', '.join(e.variants)}) in a {key} instance"
    if key is not None:  # every element of the variant with an example is there
        assert set(V.example_values(spec, key)) <= {p for p, _ in found}


def _built_elements(prefix: str, elements: Any, specs: tuple[ElementSpec, ...],
                    item: ElementSpec | None = None) -> list[tuple[str, ElementSpec]]:
    """(values path, spec) of every built element: ``MaterialLot01`` is ``MaterialLot[0]``, list items ``[i]``."""
    import re

    out: list[tuple[str, ElementSpec]] = []
    for i, e in enumerate(elements):
        if item is not None:
            here, spec = f"{prefix}[{i}]", item
        else:
            spec = next(s for s in specs if s.id_short == e.id_short or (
                s.repeated and re.fullmatch(re.escape(s.base_id_short) + r"\d+", e.id_short or "")))
            number = int(e.id_short[len(spec.base_id_short):]) - 1 if spec.repeated else None
            here = f"{prefix}.{spec.base_id_short}" + (f"[{number}]" if number is not None else "")
        out.append((here, spec))
        kind = type(e).__name__
        if kind == "SubmodelElementCollection":
            out.extend(_built_elements(here, e.value, spec.children))
        elif kind == "SubmodelElementList":
            out.extend(_built_elements(here, e.value, (), spec.item))
        elif kind == "Entity":
            out.extend(_built_elements(here, e.statement, spec.children))
    return out


@pytest.mark.parametrize(("model", "variant"), _cases(), ids=lambda x: str(x))
def test_every_variant_record_has_a_coherent_cycle_header(model: str, variant: str | None) -> None:
    """Start, end and cycle time agree (timestamps to the second); good + scrap = produced; the parts of a load
    are the parts produced."""
    import datetime

    flat = V.example_values(_spec(model), variant)
    start, end = (datetime.datetime.fromisoformat(flat[f"ProcessData.{k}"]) for k in ("StartTime", "EndTime"))
    assert abs((end - start).total_seconds() - flat["ProcessData.CycleTime"]) <= 1.0
    produced = flat["ProcessData.ProducedQuantity"]
    assert flat["ProcessData.GoodQuantity"] + flat["ProcessData.ScrapQuantity"] == produced
    if "ProcessData.PartsPerLoad" in flat:
        assert flat["ProcessData.PartsPerLoad"] == produced


def test_spot_weld_record_carries_no_arc_element_and_the_mag_seam_no_spot_weld() -> None:
    spec = _spec("welding")
    spot, mag = V.example_values(spec, "spot"), V.example_values(spec)
    assert "ProcessData.SpotWeld.WeldCurrent" in spot and "ProcessData.WeldingCurrent" not in spot
    assert "ProcessData.WeldingCurrent" in mag and not any(".SpotWeld" in k for k in mag)
    assert not any(".Pulse" in k or "WeaveWidth" in k for k in mag)  # a straight constant-voltage bead
    assert spot["ProcessData.WeldingProcessNumber"] == "21" and mag["ProcessData.WeldingProcessNumber"] == "135"
    pulse = V.example_values(spec, "pulse-mag")
    assert pulse["ProcessParameters.Processes.Process[0].ProcessParameters.Weaving.WeavePattern"] != "None"
    assert pulse["ProcessParameters.Processes.Process[0].ProcessParameters.CurrentType"] == "PulsedDC"
    assert "ProcessData.PulsePeakCurrent" in pulse


def test_carburizing_nitriding_and_induction_records_exclude_each_other() -> None:
    spec = _spec("heat-treatment")
    carb, nitr, ind = (V.example_values(spec, k) for k in ("carburizing", "nitriding", "induction"))
    assert "ProcessData.CarbonPotential" in carb and "ProcessData.NitridingPotential" not in carb
    assert not any(".Induction" in k for k in carb)
    assert "ProcessData.NitridingPotential" in nitr
    assert not any(k.startswith("ProcessData.Quench") or "CarbonPotential" in k for k in nitr)  # no quench
    assert nitr["ProcessData.SoakTemperature"] < 600 < carb["ProcessData.SoakTemperature"]  # ferritic vs austenitic
    assert "ProcessData.Induction.Power" in ind and "ProcessData.AtmosphereGasFlow[0].Gas" not in ind


def test_electrocoat_record_has_no_spray_booth_and_the_bell_no_atomizing_air() -> None:
    spec = _spec("painting")
    ed, bell, air = (V.example_values(spec, k) for k in ("electrocoat", "spray", "air-spray"))
    assert "ProcessData.ElectrocoatBath.Voltage" in ed
    assert not {"ProcessData.BellSpeed", "ProcessData.ElectrostaticVoltage", "ProcessData.Viscosity"} & set(ed)
    assert "ProcessData.BellSpeed" in bell and "ProcessData.AtomizingAirPressure" not in bell
    assert "ProcessData.AtomizingAirPressure" in air and "ProcessData.BellSpeed" not in air
    assert not any("ElectrocoatBath" in k or "Pretreatment" in k for k in (*bell, *air))


# --- API ------------------------------------------------------------------------------------------------------

def test_unknown_variant_names_the_known_ones() -> None:
    spec = _spec("welding")
    with pytest.raises(ValueError, match=r"no variant 'tig' \(known: mag, pulse-mag, spot\)"):
        V.example_values(spec, "tig")
    with pytest.raises(ValuesError, match="variant"):
        build_instance(spec, variant="tig")
    with pytest.raises(ValueError, match="declares no variants"):
        V.example_values(_spec("press"), "servo")


def test_variant_and_values_together_are_refused() -> None:
    with pytest.raises(ValuesError, match="not both"):
        build_instance(_spec("welding"), {"ProcessData": {"ProcessType": "Welding"}}, variant="spot")


def test_default_call_is_backwards_compatible() -> None:
    spec = _spec("welding")
    assert V.example_values(spec) == V.example_values(spec, "mag")
    assert len(build_instance(spec).submodels) == len(build_instance(spec, variant="mag").submodels)


# --- spec errors -----------------------------------------------------------------------------------------------

def _doc() -> dict[str, Any]:
    return json.loads((ROOT / "models" / "welding" / "1.0.json").read_text(encoding="utf-8"))


def _find(doc: Any, id_short: str) -> dict[str, Any]:
    """The first element with this idShort (depth first)."""
    if isinstance(doc, dict):
        if doc.get("idShort") == id_short:
            return doc
        values = list(doc.values())
    elif isinstance(doc, list):
        values = doc
    else:
        values = []
    for v in values:
        found = _find(v, id_short) if isinstance(v, (dict, list)) else None
        if found is not None:
            return found
    return None  # type: ignore[return-value]


def _mutations() -> list[tuple[str, Any, str]]:
    def unknown_tag(d: dict[str, Any]) -> None:
        _find(d, "Polarity")["variant"] = "tig"

    def required_tagged(d: dict[str, Any]) -> None:
        _find(d, "WeldingProcessNumber")["variant"] = "mag"

    def two_defaults(d: dict[str, Any]) -> None:
        d["variants"][1]["default"] = True

    def no_default(d: dict[str, Any]) -> None:
        d["variants"][0].pop("default")

    def duplicate_key(d: dict[str, Any]) -> None:
        d["variants"][1]["key"] = "mag"

    def child_outside_parent(d: dict[str, Any]) -> None:
        _find(d, "SpotWeld")["elements"][1]["variant"] = "mag"

    def example_for_foreign_variant(d: dict[str, Any]) -> None:
        _find(d, "Polarity")["variantExamples"] = {"spot": "DCEN"}

    def bad_variant_example(d: dict[str, Any]) -> None:
        _find(d, "WeldingCurrentSetpoint")["variantExamples"] = {"pulse-mag": "high"}

    def unknown_include_variant(d: dict[str, Any]) -> None:
        d["submodels"][1]["elements"][0]["variantExamples"] = {"tig": {"ProcessType": "Welding"}}

    def include_unknown_path(d: dict[str, Any]) -> None:
        d["submodels"][1]["elements"][0]["variantExamples"] = {"spot": {"NoSuchElement": 1}}

    def tag_without_variants(d: dict[str, Any]) -> None:
        del d["variants"]
        for key in ("variantExamples",):
            _strip(d, key)
        _strip(d, "variant")
        _find(d, "Polarity")["variant"] = "mag"

    return [
        ("unknown tag", unknown_tag, "unknown variant 'tig' (declared: mag, pulse-mag, spot)"),
        ("mandatory element tagged", required_tagged, "must be optional (ZeroToOne or ZeroToMany), not One"),
        ("two defaults", two_defaults, "exactly one variant is the default"),
        ("no default", no_default, "exactly one variant is the default"),
        ("duplicate key", duplicate_key, "duplicate variant key 'mag'"),
        ("child tag outside its parent's", child_outside_parent, "inside an element of variant spot only"),
        ("example for a variant the element is not in", example_for_foreign_variant, "not 'spot'"),
        ("variant example of the wrong type", bad_variant_example, "not a valid xs:double"),
        ("include: unknown variant", unknown_include_variant, "unknown variant 'tig'"),
        ("include: unknown path", include_unknown_path, "'NoSuchElement' is no element of fragment"),
        ("tag in a model without variants", tag_without_variants, "declare them in the model's 'variants'"),
    ]


def _strip(node: Any, key: str) -> None:
    if isinstance(node, dict):
        node.pop(key, None)
        for v in node.values():
            _strip(v, key)
    elif isinstance(node, list):
        for v in node:
            _strip(v, key)


@pytest.mark.parametrize(("mutate", "message"), [m[1:] for m in _mutations()], ids=[m[0] for m in _mutations()])
def test_bad_variant_declaration_is_a_spec_error(tmp_path: Path, mutate: Any, message: str) -> None:
    doc = copy.deepcopy(_doc())
    mutate(doc)
    f = tmp_path / "welding.json"
    f.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec_file(f)
    assert message in str(info.value)


def test_unmodified_welding_document_loads(tmp_path: Path) -> None:
    """Control for the mutations above."""
    f = tmp_path / "welding.json"
    f.write_text(json.dumps(_doc()), encoding="utf-8")
    assert [v.key for v in load_spec_file(f).variants] == ["mag", "pulse-mag", "spot"]


# --- CLI -------------------------------------------------------------------------------------------------------

def _cli(args: list[str]) -> Any:
    from aas_refmodels.cli import main

    return CliRunner().invoke(main, args)


def test_cli_build_example_instance_of_a_variant(tmp_path: Path) -> None:
    out = tmp_path / "spot.json"
    r = _cli(["build", "welding", "--kind", "instance", "--example", "--variant", "spot", "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = json.dumps(json.loads(out.read_text(encoding="utf-8"))["submodels"])  # concept descriptions list all
    assert '"SpotWeld"' in text and '"ArcVoltage"' not in text and '"WeldingCurrentSetpoint"' not in text


def test_cli_unknown_variant_is_a_usage_error_naming_the_known(tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    r = _cli(["build", "welding", "--kind", "instance", "--example", "--variant", "tig", "-o", str(out)])
    assert r.exit_code == 2
    assert "known: mag, pulse-mag, spot" in r.output and "Traceback" not in r.output
    assert not out.exists()


def test_cli_variant_needs_example_values(tmp_path: Path) -> None:
    r = _cli(["build", "welding", "--variant", "spot", "-o", str(tmp_path / "t.json")])
    assert r.exit_code == 2 and "--variant" in r.output


def test_cli_show_lists_variants_and_tags() -> None:
    r = _cli(["show", "heat-treatment"])
    assert r.exit_code == 0, r.output
    assert "nitriding" in r.output and "carburizing (default)" in r.output
    assert "{induction}" in r.output  # the Induction collections carry their tag
    plain = _cli(["show", "press"])
    assert "variants" not in plain.output
