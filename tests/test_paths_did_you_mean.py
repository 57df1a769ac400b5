"""Issue 9: an unknown path in values gets a "did you mean" (by idShort and by en/ko name), and a path copied from
an output file (``MaterialLot01``, ``Process__00__``) is explained in the values spelling; build does not import
ingest (the logic lives in ``aas_refmodels.spec.paths``)."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest
from basyx.aas import model
from click.testing import CliRunner

from aas_refmodels.build import build_instance, build_template
from aas_refmodels.build import builder as B
from aas_refmodels.build.values import example_values
from aas_refmodels.cli import main
from aas_refmodels.errors import ValuesError
from aas_refmodels.ingest import paths as ingest_paths
from aas_refmodels.spec import load_model
from aas_refmodels.spec import paths as spec_paths

PACKAGE = Path(__file__).resolve().parents[1] / "aas_refmodels"


def problems(spec_name: str, values: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValuesError) as info:
        build_instance(load_model(spec_name), values)
    return dict(info.value.problems)


def id_short_paths(sm: model.Submodel) -> list[str]:
    """idShort paths of an output submodel, as a user copies them from a viewer (``ProcessData.MaterialLot01.X``)."""
    out: list[str] = []

    def visit(e: model.SubmodelElement, prefix: str) -> None:
        path = f"{prefix}.{e.id_short}"
        out.append(path)
        if isinstance(e, model.SubmodelElementCollection):
            for c in e.value:
                visit(c, path)

    for e in sm.submodel_element:
        visit(e, str(sm.id_short))
    return out


def test_typo_gets_did_you_mean_with_the_right_path() -> None:
    message = problems("machining", {"ProcessData.CycleTme": 1})["ProcessData.CycleTme"]
    assert message.startswith("unknown element: not part of the reference model")
    assert "did you mean" in message and "'ProcessData.CycleTime'" in message
    # nested spelling: the same key, the same suggestion
    assert "'ProcessData.CycleTime'" in problems("machining", {"ProcessData": {"CycleTme": 1}})["ProcessData.CycleTme"]


def test_korean_name_in_place_of_a_path_gets_the_path() -> None:
    # not an idShort at all (malformed segment): still told which path carries that name
    found = problems("injection-molding", {"ProcessData": {"사이클 타임": 40.1}})
    assert "malformed path segment" in found["ProcessData"] and "'ProcessData.CycleTime'" in found["ProcessData"]


def test_nothing_close_gets_no_guess() -> None:
    assert problems("machining", {"Foo.Bar": 1})["Foo.Bar"] == "unknown element: not part of the reference model"


def test_paths_copied_from_an_instance_output_are_explained_and_the_spelling_builds() -> None:
    spec = load_model("injection-molding")
    values = example_values(spec)
    built = build_instance(spec, values)
    data = next(sm for sm in built.submodels if sm.id_short == "ProcessData")
    copied = next(p for p in id_short_paths(data) if p.startswith("ProcessData.MaterialLot01."))
    spelled = f"ProcessData.MaterialLot[0].{copied.rsplit('.', 1)[1]}"
    given = dict(values)
    given[copied] = given.pop(spelled)
    with pytest.raises(ValuesError) as info:
        build_instance(spec, given)
    assert (copied, f"unknown element: not part of the reference model; in values it is spelled {spelled!r}") \
        in info.value.problems
    # following the advice builds
    given[spelled] = given.pop(copied)
    assert [sm.id_short for sm in build_instance(spec, given).submodels]


def test_template_spelling_is_explained() -> None:
    spec = load_model("injection-molding")
    template = next(sm for sm in build_template(spec).submodels if sm.id_short == "ProcessParameters")
    copied = next(p for p in id_short_paths(template) if ".Process__00__." in p)
    message = problems("injection-molding", {copied: "x"})[copied]
    assert f"in values it is spelled {copied.replace('Process__00__', 'Process[0]')!r}" in message


def test_hints_are_capped_so_a_wrong_file_stays_cheap() -> None:
    found = problems("machining", {f"ProcessData.CycleTme{i:05d}": 1 for i in range(200)})
    hinted = [k for k, m in found.items() if "did you mean" in m]
    assert len(hinted) == B._HINTED and all("'ProcessData.CycleTime'" in found[k] for k in hinted)
    assert sum(m == "unknown element: not part of the reference model" for m in found.values()) == 200 - B._HINTED


def test_cli_build_values_typo_one_line_per_problem_exit_1_no_file(tmp_path: Path) -> None:
    spec = load_model("machining")
    values = example_values(spec)
    values["ProcessData.CycleTme"] = values.pop("ProcessData.CycleTime", 40.1)
    values["ProcessData.MaterialLot01.MaterialId"] = "x"  # no such repeated element in machining: a plain guess
    file = tmp_path / "values.json"
    file.write_text(json.dumps(values), encoding="utf-8")
    target = tmp_path / "m.aasx"
    result = CliRunner().invoke(main, ["build", "machining", "--kind", "instance", "--values", str(file),
                                       "--example", "-o", str(target)], catch_exceptions=False)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "error: values do not fit reference model machining/1.0"
    assert len(lines) == 3 and all(line.startswith("error: ") for line in lines)
    typo = next(line for line in lines if line.startswith("error: ProcessData.CycleTme: "))
    assert "did you mean 'ProcessData.CycleTime'" in typo
    assert not target.exists() and [p.name for p in tmp_path.iterdir()] == ["values.json"]


def test_ingest_paths_reexports_the_spec_layer() -> None:
    for name in ("PathInfo", "fillable_paths", "normalize", "suggestions", "explain_unknown", "iter_rows"):
        assert getattr(ingest_paths, name) is getattr(spec_paths, name)


def _imports(folder: Path) -> set[str]:
    found: set[str] = set()
    for file in folder.glob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                found.add("." * node.level + (node.module or ""))
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
    return found


def test_layers_spec_does_not_import_build_and_build_does_not_import_ingest() -> None:
    assert not {m for m in _imports(PACKAGE / "build") if "ingest" in m}
    assert not {m for m in _imports(PACKAGE / "spec") if "build" in m or "ingest" in m}
