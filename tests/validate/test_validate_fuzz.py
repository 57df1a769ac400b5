"""Fuzzing the validator with mutants of built models (issue 8), under fixed seeds.

Each mutant goes through ``aasref validate`` (CliRunner, JSON report) and must give: no traceback and no
"could not run", exit 0 or 1, a report that every output format renders, and a verdict that agrees with
aas-core where aas-core decides (aas-core rejects the document under the reported version => not ok).
The default run is 300 cases; ``-m slow`` runs 2,000 more.
"""

from __future__ import annotations

import importlib
import json
import random
from typing import Any

import pytest
from click.testing import CliRunner
from foundation_models import emitted
from make_corpus import base_env, good_parts, package

from aas_refmodels.cli.validate_cmds import validate_cmd
from aas_refmodels.validate import _read, validate
from aas_refmodels.validate.output import FORMATS, render

HOSTILE_STRINGS = ["\ud800", "\u2460", "%zz", "http://datypic.com#frag1#frag2", "fast", "9" * 5000, "en-1",
                   "\x00", "a" * 2100, "-", "", " ", "NaN", "1e400", "xs:anyURI", "Submodel", "ModelReference",
                   "\U0001F321", "../../etc/passwd", "10000-01-01T00:00:00Z"]
HOSTILE_VALUES: list[Any] = [None, True, False, 0, -1.5, [], {}, [1], {"a": 1}, [{"language": 5}], "RAW_HUGE_INT"]
HUGE = "7" * 5000


def _nodes(doc: Any) -> list[tuple[Any, Any]]:
    """(container, key) of every value below ``doc``."""
    out: list[tuple[Any, Any]] = []
    stack = [doc]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for k, v in items:
            out.append((node, k))
            if isinstance(v, (dict, list)):
                stack.append(v)
    return out


def mutate(doc: Any, rng: random.Random) -> bytes:
    """One to three random mutations; returns the JSON bytes (a huge integer literal is spliced in as text)."""
    for _ in range(rng.randint(1, 3)):
        nodes = _nodes(doc)
        if not nodes:
            break
        container, key = rng.choice(nodes)
        op = rng.random()
        if op < 0.35:
            container[key] = rng.choice(HOSTILE_VALUES)
        elif op < 0.65:
            strings = [(c, k) for c, k in nodes if isinstance(c[k], str)]
            if strings:
                c, k = rng.choice(strings)
                c[k] = rng.choice(HOSTILE_STRINGS)
        elif op < 0.8:
            if isinstance(container, dict):
                del container[key]
            else:
                container.pop(key)
        elif op < 0.92:
            lists = [(c, k) for c, k in nodes if isinstance(c[k], list) and c[k]]
            if lists:
                c, k = rng.choice(lists)
                c[k].append(json.loads(json.dumps(rng.choice(c[k]))))
        else:
            wrapped: Any = container[key]
            for _i in range(rng.choice([5, 50, 150])):
                wrapped = {"idShort": "W", "modelType": "SubmodelElementCollection", "value": [wrapped]}
            container[key] = wrapped
    return json.dumps(doc, ensure_ascii=True).replace('"RAW_HUGE_INT"', HUGE).encode("utf-8")


def aas_core_rejects(data: bytes, version: str) -> bool | None:
    """True/False where aas-core decides; None where its verdict is known to be false (3.1 xs:anyURI)."""
    pkg = "aas_core3" if version == "3.0" else "aas_core3_1"
    jsonization = importlib.import_module(pkg + ".jsonization")
    verification = importlib.import_module(pkg + ".verification")
    doc = json.loads(data, parse_int=_read._parse_int)
    try:
        env = jsonization.environment_from_jsonable(doc)
    except Exception:
        return True
    try:
        errors = list(verification.verify(env))
    except Exception:
        return None
    if version == "3.1" and errors and b"xs:anyURI" in data:
        return None  # aas-core3.1 rejects valid IRIs (see metamodel.py); not decisive
    return bool(errors)


def run_case(data: bytes, tmp_path: Any, schema_dir: Any, i: int) -> None:
    """Every fourth mutant goes into an AASX package as its spec part."""
    path = tmp_path / f"mutant-{i}.{'aasx' if i % 4 == 3 else 'json'}"
    if i % 4 == 3:
        parts = good_parts()
        parts["aasx/data.json"] = data
        path.write_bytes(package(parts))
    else:
        path.write_bytes(data)
    res = CliRunner().invoke(validate_cmd, [str(path), "--format", "json", "--max-depth", "1000",
                                            "--schema-dir", str(schema_dir)])
    assert res.exception is None or isinstance(res.exception, SystemExit), (i, repr(res.exception))
    assert res.exit_code in (0, 1), (i, res.exit_code, res.output[-500:])
    assert "Traceback" not in res.output and "could not run" not in res.output
    report = json.loads(res.output)["reports"][0]
    assert report["ok"] is (res.exit_code == 0)
    for f in report["findings"]:
        assert f["code"] and f["path"], f
    if report["version"] and "SER007" not in [f["code"] for f in report["findings"]]:
        rejects = aas_core_rejects(data, report["version"])
        if rejects:
            assert not report["ok"], (i, "aas-core rejects it, aasref says ok", report["versionReason"])
    r = validate(path, schema_dir=schema_dir, limits=_read.Limits(max_depth=1000))
    for fmt in FORMATS:
        render([r], fmt).encode("utf-8")


def _bases() -> list[Any]:
    return [base_env(), json.loads(emitted("press", "instance", "3.1", "json")),
            json.loads(emitted("idta-nameplate", "instance", "3.0", "json"))]


@pytest.mark.parametrize("seed", range(6))
def test_fuzz_default(seed, tmp_path, schema_dir):
    rng = random.Random(8_000 + seed)
    bases = _bases()
    for i in range(50):
        base = bases[0] if i % 5 else bases[1 + (i // 5) % 2]
        run_case(mutate(json.loads(json.dumps(base)), rng), tmp_path, schema_dir, i)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(20))
def test_fuzz_slow(seed, tmp_path, schema_dir):
    rng = random.Random(9_000 + seed)
    bases = _bases()
    for i in range(100):
        run_case(mutate(json.loads(json.dumps(rng.choice(bases))), rng), tmp_path, schema_dir, i)
