"""Asset ids (required in the CLI, absolute IRIs or URNs), per-process shell examples and companions, model
aliases — and the data files behind them (``models/_shells.json``, ``models/_aliases.json``), which the spec
loader must not mistake for models."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from aas_refmodels import ValuesError, build_instance, build_shell, load_model
from aas_refmodels.build.shell import companions_of, shell_examples
from aas_refmodels.cli import main
from aas_refmodels.iri import iri_problem
from aas_refmodels.resources import models_dir
from aas_refmodels.spec import available_models, model_aliases, resolve_model_name

from .builds import PROCESS_MODELS

ASSET = "https://factory.example.kr/asset/M-01"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# ---- asset ids ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("good", [
    "https://factory.example.kr/asset/M-01", "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
    "https://공장.example.kr/설비/사출기-01", "urn:example:asset:M-01", "http://x.example/a%20b#frag",
])
def test_absolute_iris_and_urns_are_asset_ids(good: str) -> None:
    assert iri_problem(good) is None


@pytest.mark.parametrize(("bad", "reason"), [
    ("", "empty"), ("M-01", "needs a scheme"), ("asset 01", "space"), ("https:/x", "no host"),
    ("https://x.example/a#b#c", "more than one '#'"), ("http://x.example/%zz", "%XX"), ("urn:x", "URN"),
    ("https://x.example/\x00", "U+0000"), ("https://x.example/" + "a" * 2048, "characters"),
])
def test_other_asset_ids_are_refused_with_the_reason(bad: str, reason: str) -> None:
    problem = iri_problem(bad)
    assert problem is not None and reason in problem
    with pytest.raises(ValuesError, match="asset_id"):
        build_instance(load_model("press"), asset_id=bad)


def test_cli_instances_and_shells_need_an_asset_id(tmp_path: Path) -> None:
    out = tmp_path / "o.json"
    for args in (["press", "--kind", "instance"], ["--process", "press"]):
        code, _, err = run("build", *args, "-o", str(out))
        assert code == 2 and "--asset-id" in err and not out.exists()
        code, _, err = run("build", *args, "--asset-id", "", "-o", str(out))
        assert code == 2 and "empty" in err and not out.exists()
        code, _, err = run("build", *args, "--asset-id", "press-01", "-o", str(out))
        assert code == 2 and "scheme" in err and not out.exists()
        code, _, err = run("build", *args, "--asset-id", ASSET, "--example", "-o", str(out))
        assert code == 2 and not out.exists()
    assert run("build", "press", "-o", str(out))[0] == 0  # a template needs none
    out.unlink()
    assert run("build", "--process", "press", "--kind", "template", "-o", str(out))[0] == 0
    code, _, _ = run("build", "--process", "press", "--asset-id", "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
                     "-o", str(out))
    assert code == 0 and "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66" in out.read_text(encoding="utf-8")


def test_the_example_id_only_with_example(tmp_path: Path) -> None:
    out = tmp_path / "o.json"
    assert run("build", "press", "--kind", "instance", "--example", "-o", str(out))[0] == 0
    assert "/ids/asset/press/example-0001" in out.read_text(encoding="utf-8")
    assert run("build", "press", "--kind", "instance", "--asset-id", ASSET, "-o", str(out))[0] == 0
    assert "example-0001" not in out.read_text(encoding="utf-8")


# ---- per-process shells ---------------------------------------------------------------------------------------

def _shell_text(process: str, path: str) -> dict[str, str]:
    built = build_shell(load_model(process), asset_id=f"https://factory.example.kr/asset/{process}-01")
    nameplate = next(sm for sm in built.submodels if sm.id_short == "Nameplate")
    el = nameplate.get_referable(path)
    return dict(el.value)  # type: ignore[attr-defined]


def test_every_process_shell_describes_its_own_machine() -> None:
    designations = {p: _shell_text(p, "ManufacturerProductDesignation") for p in PROCESS_MODELS}
    manufacturers = {p: _shell_text(p, "ManufacturerName")["en"] for p in PROCESS_MODELS}
    assert len({d["en"] for d in designations.values()}) == len(PROCESS_MODELS)
    assert len(set(manufacturers.values())) == len(PROCESS_MODELS)
    for process, d in designations.items():
        assert set(d) == {"en", "ko"}
        assert ("machining center" in d["en"]) == (process == "machining"), (process, d)
    assert "injection moulding machine" in designations["injection-molding"]["en"]
    assert "사출성형기" in designations["injection-molding"]["ko"]
    assert "welding" in designations["welding"]["en"].lower() and "용접" in designations["welding"]["ko"]


def test_technical_data_examples_fit_the_process() -> None:
    built = build_shell(load_model("welding"), asset_id=ASSET)
    td = next(sm for sm in built.submodels if sm.id_short == "TechnicalData")
    text = json.dumps([str(e) for e in td.submodel_element])
    assert "FANUC" not in json.dumps(shell_examples("welding"), ensure_ascii=False)
    assert "MQL" not in json.dumps(shell_examples("welding"), ensure_ascii=False)
    assert "TechnicalPropertyAreas" in text


def test_quality_control_for_machining_only_in_machining_shells() -> None:
    for process in PROCESS_MODELS:
        ids = {sm.id_short for sm in build_shell(load_model(process), asset_id=ASSET).submodels}
        assert ("QualityControlForMachining" in ids) == (process == "machining"), process
        assert {"ProcessVariablesForManufacturingKPICalculation", "ManufacturingKPIs", "TimeSeries"} <= ids
    with pytest.raises(ValuesError) as info:
        build_shell(load_model("welding"), values={"QualityControlForMachining.Foo": 1}, asset_id=ASSET)
    assert any(p.startswith("QualityControlForMachining") for p, _ in info.value.problems)


def test_cli_welding_shell_is_a_welding_machine(tmp_path: Path) -> None:
    out = tmp_path / "w.json"
    code, _, err = run("build", "--process", "welding", "--example", "-o", str(out))
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert "HB-VMC" not in text and "HW-R350" in text
    assert '"idShort": "QualityControlForMachining"' not in text


# ---- aliases --------------------------------------------------------------------------------------------------

def test_aliases_resolve_to_models() -> None:
    assert load_model("injection-moulding").model == "injection-molding"
    assert load_model("Injection_Molding").model == "injection-molding"
    assert load_model("사출성형").model == "injection-molding"
    assert resolve_model_name("no-such-model") == "no-such-model"


def test_alias_table_is_consistent() -> None:
    models = {m for m, _ in available_models()}
    aliases = model_aliases()
    assert set(aliases) <= models
    flat = [a.lower() for names in aliases.values() for a in names]
    assert len(flat) == len(set(flat)), "an alias names two models"
    assert not set(flat) & models, "an alias shadows a model name"
    assert "injection-moulding" in aliases["injection-molding"]


def test_aasref_list_shows_aliases(tmp_path: Path) -> None:
    code, out, _ = run("list")
    assert code == 0 and "aliases: injection-moulding" in out
    rows = json.loads(run("list", "--json")[1])
    assert "injection-moulding" in next(r for r in rows if r["model"] == "injection-molding")["aliases"]
    target = tmp_path / "imm.json"
    code, out, _ = run("build", "--process", "injection-moulding", "--example", "-o", str(target))
    assert code == 0 and "injection-molding/1.0" in out


# ---- the data files are no models, and they are packaged ------------------------------------------------------

def test_shell_and_alias_files_are_not_models() -> None:
    models = {m for m, _ in available_models()}
    assert not any(m.startswith("_") for m in models)
    data = json.loads((models_dir() / "_shells.json").read_text(encoding="utf-8"))
    assert set(data) - {"$comment"} == set(PROCESS_MODELS)
    for process in PROCESS_MODELS:
        assert companions_of(process)
        assert shell_examples(process)["Nameplate"]["ManufacturerName"]["ko"]


def test_data_files_are_packaged() -> None:
    for name in ("_shells.json", "_aliases.json"):
        assert (models_dir() / name).is_file()
    packaged = resources.files("aas_refmodels") / "_data" / "models"
    if packaged.is_dir():  # an installed wheel
        assert (packaged / "_shells.json").is_file() and (packaged / "_aliases.json").is_file()


@pytest.mark.parametrize("base", ["https://x.example/" + "a" * 1100 + "/", "https://x.example/a b/", "nope"])
def test_a_base_iri_that_would_give_invalid_ids_is_a_usage_error(tmp_path: Path, base: str) -> None:
    out = tmp_path / "t.json"
    code, _, err = run("build", "press", "--base-iri", base, "-o", str(out))
    assert code == 2 and "--base-iri" in err and "Traceback" not in err and not out.exists()
    with pytest.raises(ValueError, match="base IRI"):
        load_model("press", base_iri=base)
    assert run("build", "press", "--base-iri", "https://aas.example.kr/", "-o", str(out))[0] == 0
