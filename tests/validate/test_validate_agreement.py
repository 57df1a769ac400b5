"""Agreement: everything the foundation emits is clean here, in aas-core and in the official schemas."""

from __future__ import annotations

import importlib
import json

import jsonschema
import pytest
from foundation_models import MODELS, emitted, instance_doc
from lxml import etree

from aas_refmodels.validate import validate
from aas_refmodels.validate._jsonschema import compile_schema, derive_schema


@pytest.mark.parametrize("version", ["3.1", "3.0"])
@pytest.mark.parametrize("kind", ["instance", "template"])
@pytest.mark.parametrize("name", MODELS)
def test_foundation_output_is_clean_everywhere(name, kind, version, schema_dir):
    vdir = schema_dir / ("V3.1.2" if version == "3.1" else "V3.0.9")
    derived = compile_schema(derive_schema(json.loads((vdir / "aas.json").read_text(encoding="utf-8"))))
    xsd = etree.XMLSchema(etree.parse(str(vdir / "AAS.xsd")))
    core = "aas_core3_1" if version == "3.1" else "aas_core3"
    jsonization = importlib.import_module(f"{core}.jsonization")
    verification = importlib.import_module(f"{core}.verification")
    for fmt in ("json", "xml", "aasx"):
        data = emitted(name, kind, version, fmt)
        report = validate(data, schema_dir=schema_dir, spec_version=version if fmt != "xml" else None)
        assert report.findings == (), (fmt, [(f.code, str(f.path), f.message) for f in report.findings][:5])
        assert report.version == version
        for layer in ("schema", "deserialize", "metamodel"):
            assert report.layer(layer).status == "run", (fmt, layer)
        if kind == "instance":
            assert report.layer("template").status == "run"
        if fmt == "json":
            doc = json.loads(data)
            assert derived(doc) == []  # the official schema's verdict (test_validate_schema_equivalence)
            assert list(verification.verify(jsonization.environment_from_jsonable(doc))) == []
        if fmt == "xml":
            assert xsd.validate(etree.fromstring(data)), xsd.error_log


def test_foundation_output_against_the_official_schema_itself(schema_dir):
    """The unmodified official JSON schema (slow: one small submodel) agrees."""
    official = jsonschema.Draft201909Validator(json.loads((schema_dir / "V3.1.2" / "aas.json").read_text()))
    doc = instance_doc("machining")
    small = {"submodels": [s for s in doc["submodels"] if s["idShort"] == "ProcessData"]}
    assert official.is_valid(small)
    assert validate(json.dumps(small).encode(), schema_dir=schema_dir, layers=["schema"]).findings == ()
