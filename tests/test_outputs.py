"""Every model × kind × format × metamodel version passes the official schema of its version, aas-core
verification with zero errors and a strict read; V3.0 output also passes aas-test-engines."""

from __future__ import annotations

import json

import pytest

from aas_refmodels.io import read

from .builds import KINDS, MODELS, VERSIONS, output
from .checks import aas_core_errors, aas_part, aas_test_engines_errors, official_json_schema_errors, xsd_errors

CASES = [(m, k, v) for m in MODELS for k in KINDS for v in VERSIONS]
IDS = [f"{m}-{k}-v{v}" for m, k, v in CASES]


@pytest.mark.slow  # the unmodified official schema under jsonschema: seconds to a minute per file
@pytest.mark.parametrize(("model", "kind", "version"), CASES, ids=IDS)
def test_json_passes_official_schema(model: str, kind: str, version: str, schema_dir: object) -> None:
    doc = json.loads(output(model, kind, version, "json"))
    assert official_json_schema_errors(doc, schema_dir, version) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(("model", "kind", "version"), CASES, ids=IDS)
def test_xml_passes_official_xsd(model: str, kind: str, version: str, schema_dir: object) -> None:
    assert xsd_errors(output(model, kind, version, "xml"), schema_dir, version) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(("model", "kind", "version"), CASES, ids=IDS)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_aas_core_verifies_clean(model: str, kind: str, version: str, fmt: str) -> None:
    assert aas_core_errors(output(model, kind, version, fmt), fmt, version) == []


@pytest.mark.parametrize(("model", "kind", "version"), CASES, ids=IDS)
def test_aasx_part_equals_json_output(model: str, kind: str, version: str) -> None:
    """The AASX carries the same environment as the JSON file, so the checks above cover it too."""
    fmt, part = aas_part(output(model, kind, version, "aasx"))
    assert fmt == "json"
    assert json.loads(part) == json.loads(output(model, kind, version, "json"))
    assert aas_core_errors(part, "json", version) == []


@pytest.mark.parametrize(("model", "kind", "version"), CASES, ids=IDS)
@pytest.mark.parametrize("fmt", ["json", "xml", "aasx"])
def test_strict_read(model: str, kind: str, version: str, fmt: str) -> None:
    result = read(output(model, kind, version, fmt))
    assert len(result.store) > 0
    if fmt == "xml":
        assert result.spec_version == version


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", ["json", "xml", "aasx"])
def test_v30_output_passes_aas_test_engines(model: str, kind: str, fmt: str) -> None:
    assert aas_test_engines_errors(output(model, kind, "3.0", fmt), fmt) == []


@pytest.mark.parametrize("model", MODELS)
def test_v31_xml_is_refused_by_v30_tools_but_v30_xml_is_not(model: str) -> None:
    """Guards the version split: our V3.0 XML is really in the 3/0 namespace."""
    assert b"https://admin-shell.io/aas/3/1" in output(model, "template", "3.1", "xml")
    assert b"https://admin-shell.io/aas/3/0" in output(model, "template", "3.0", "xml")
    assert aas_test_engines_errors(output(model, "template", "3.1", "xml"), "xml") != []
