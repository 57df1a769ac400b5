"""One broken part of a file does not hide the findings of the rest of it."""

from __future__ import annotations

import pytest
from validate_helpers import base_env, dumps

from aas_refmodels.validate import validate


@pytest.fixture(scope="module")
def schema_dir(schema_dir_if_any):
    """These tests do not depend on the schema layer: they run without the official schemas too."""
    return schema_dir_if_any


def test_undeserializable_element_does_not_hide_other_metamodel_findings(schema_dir):
    env = base_env()
    els = env["submodels"][0]["submodelElements"]
    del els[0]["modelType"]                      # Speed cannot be deserialized
    els[2].update({"min": "1", "max": "x"})      # Limits: MM001 on max
    els[3]["value"][0]["value"] = "deep"         # Group.Depth: MM001
    report = validate(dumps(env), schema_dir=schema_dir)
    assert report.layer("metamodel").status == "run"
    located = {(f.code, str(f.path), f.location.pointer) for f in report.findings}
    sm = "Submodel[id=https://example.org/sm/1]"
    assert ("SER004", f"{sm}.Speed", "/submodels/0/submodelElements/0") in located
    # pointers refer to the original file although the broken element was left out to continue
    assert ("MM001", f"{sm}.Limits#max", "/submodels/0/submodelElements/2/max") in located
    assert ("MM001", f"{sm}.Group.Depth#value", "/submodels/0/submodelElements/3/value/0/value") in located


def test_several_broken_elements_are_each_reported(schema_dir):
    env = base_env()
    els = env["submodels"][0]["submodelElements"]
    del els[0]["modelType"]
    del els[3]["value"][0]["valueType"]
    els[2]["valueType"] = "xs:nope"
    report = validate(dumps(env), schema_dir=schema_dir)
    ser004 = sorted(f.location.pointer for f in report.findings if f.code == "SER004")
    assert ser004 == ["/submodels/0/submodelElements/0", "/submodels/0/submodelElements/2/valueType",
                      "/submodels/0/submodelElements/3/value/0"]
