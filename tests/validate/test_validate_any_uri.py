"""xs:anyURI in 3.1: aas-core3.1's RFC 3986 false positives are dropped, real errors stay (issue 8)."""

from __future__ import annotations

import importlib
import json

import pytest
from make_corpus import base_env, el
from validate_helpers import dumps

from aas_refmodels.validate import validate

BAD = ["http://datypic.com#frag1#frag2", "http://x#f% rag", "%zz", "http://example.com/a b"]
GOOD = ["https://example.org/a/b?c=d#e", "urn:x", "HCSxO:", "http://ex.com/ä", "../rel#x", ""]


def _env(value: str, *, qualifier: bool = False) -> bytes:
    env = base_env()
    speed = el(env, "Speed")
    if qualifier:
        speed["qualifiers"] = [{"type": "Doc", "valueType": "xs:anyURI", "value": value}]
    else:
        speed.update(valueType="xs:anyURI", value=value)
        speed.pop("semanticId", None)
    return dumps(env)


@pytest.mark.parametrize("version", ["3.0", "3.1"])
@pytest.mark.parametrize("value", BAD)
def test_invalid_any_uri_is_an_error_in_both_versions(value, version, schema_dir):
    report = validate(_env(value), schema_dir=schema_dir, spec_version=version)
    assert "MM001" in report.codes, report.codes
    assert "AASd-020" in validate(_env(value, qualifier=True), schema_dir=schema_dir, spec_version=version).codes


@pytest.mark.parametrize("value", GOOD)
def test_valid_any_uri_is_clean_in_31(value, schema_dir):
    report = validate(_env(value), schema_dir=schema_dir, spec_version="3.1", layers=["deserialize", "metamodel"])
    assert not report.errors, [(f.code, f.message) for f in report.errors]


def test_aas_core_31_itself_rejects_an_iri(schema_dir):
    """The false positive being dropped is real (else the decision would be dead code)."""
    verification = importlib.import_module("aas_core3_1.verification")
    assert not verification.matches_xs_any_uri("http://ex.com/ä")


def test_official_any_uri_examples_stay_clean(schema_dir):
    jsonization = importlib.import_module("aas_core3_1.jsonization")
    verification = importlib.import_module("aas_core3_1.verification")
    files = sorted((schema_dir / "V3.1.2" / "examples").rglob("*.json"))
    rejected = [p for p in files if "Any_URI" in str(p) or "anyURI" in p.read_text()]
    rejected = [p for p in rejected
                if list(verification.verify(jsonization.environment_from_jsonable(json.loads(p.read_text()))))]
    assert len(rejected) >= 30
    for path in rejected:
        assert not validate(path, schema_dir=schema_dir, spec_version="3.1").errors, path
