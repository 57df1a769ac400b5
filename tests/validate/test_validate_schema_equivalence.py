"""The derived JSON schema (modelType dispatch, code-point patterns) gives the official schema's verdicts.

Reference: ``jsonschema.Draft201909Validator`` over the official ``aas.json``. Checked on a sample of the
official examples of both releases and on mutants of them (the full set runs in
``python -m benchmarks.equivalence``). Documents containing characters outside the BMP are the one
intended difference: the official patterns (written for UTF-16 surrogates) reject them under Python's
``re``; for those the reference is the official schema with only the pattern rewrite applied.
"""

from __future__ import annotations

import json
import random
import re

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aas_refmodels.validate._jsonschema import compile_schema, derive_schema, pointer, rewrite_pattern

VERSIONS = ("V3.0.9", "V3.1.2")
SAMPLE = 60
MUTANTS_PER_FILE = 3


def _non_bmp(doc) -> bool:
    return any(ord(c) > 0xFFFF for c in json.dumps(doc, ensure_ascii=False))


def _patterns_only(schema):
    if isinstance(schema, dict):
        return {k: (rewrite_pattern(v) if k == "pattern" and isinstance(v, str) else _patterns_only(v))
                for k, v in schema.items()}
    if isinstance(schema, list):
        return [_patterns_only(x) for x in schema]
    return schema


@pytest.fixture(scope="module", params=VERSIONS)
def setup(request, official_examples):
    schema_dir = official_examples
    official = json.loads((schema_dir / request.param / "aas.json").read_text(encoding="utf-8"))
    derived = derive_schema(official)
    files = sorted((schema_dir / request.param / "examples").rglob("*.json"))
    rng = random.Random(f"equivalence-{request.param}")
    return {
        "official": jsonschema.Draft201909Validator(official),
        "patterns_only": jsonschema.Draft201909Validator(_patterns_only(official)),
        "derived_js": jsonschema.Draft201909Validator(derived),
        "compiled": compile_schema(derived),
        "unfused": compile_schema(derived, fuse=False),
        "files": rng.sample(files, min(SAMPLE, len(files))),
        "rng": rng,
        "derived": derived,
        "official_doc": official,
    }


def _mutants(doc, rng, n):
    """Small structural edits anywhere in the document: drop, retype, rename modelType, empty, nest."""
    paths = []

    def walk(node, path):
        paths.append(path)
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, [*path, k])
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, [*path, i])
    walk(doc, [])
    out = []
    for _ in range(n):
        m = json.loads(json.dumps(doc))
        path = rng.choice(paths[1:]) if len(paths) > 1 else []
        parent = m
        for p in path[:-1]:
            parent = parent[p]
        key = path[-1] if path else None
        op = rng.choice(["drop", "int", "empty", "modelType", "list", "blank", "bad-idshort"])
        if key is None:
            continue
        if op == "drop":
            if isinstance(parent, dict):
                del parent[key]
            else:
                parent.pop(key)
        elif op == "int":
            parent[key] = 7
        elif op == "empty":
            parent[key] = [] if isinstance(parent[key], list) else ({} if isinstance(parent[key], dict) else "")
        elif op == "modelType":
            target = parent[key] if isinstance(parent[key], dict) else parent
            if isinstance(target, dict):
                target["modelType"] = rng.choice(["Property", "Range", "Blob", "Entity", "Nope", 3])
        elif op == "list":
            parent[key] = [parent[key]]
        elif op == "blank":
            parent[key] = " "
        elif op == "bad-idshort" and isinstance(parent, dict):
            parent["idShort"] = rng.choice(["1a", "a b", "x", "a-", "ok_id"])
        out.append(m)
    return out


def _verdicts(s, doc):
    ref = (s["patterns_only"] if _non_bmp(doc) else s["official"]).is_valid(doc)
    return ref, s["derived_js"].is_valid(doc), not s["compiled"](doc)


def test_official_examples_and_mutants_agree(setup):
    s = setup
    checked = 0
    for path in s["files"]:
        doc = json.loads(path.read_text(encoding="utf-8"))
        for candidate in [doc, *_mutants(doc, s["rng"], MUTANTS_PER_FILE)]:
            ref, derived, compiled = _verdicts(s, candidate)
            assert ref == derived == compiled, (str(path), candidate)
            checked += 1
    assert checked >= SAMPLE


def test_fused_closures_give_the_same_errors(setup):
    """The fused compilation (flattened sequences, one pass over an object's keys, one combined string test)
    reports exactly the errors (as a multiset) of one closure per keyword, on the examples and mutants."""
    s = setup
    rng = random.Random("fused")
    compared = invalid = 0
    for path in s["files"]:
        doc = json.loads(path.read_text(encoding="utf-8"))
        for candidate in [doc, *_mutants(doc, rng, 6)]:
            fused, plain = s["compiled"](candidate), s["unfused"](candidate)
            assert sorted(repr((pointer(p), kw, m, d)) for p, kw, m, d in fused) == \
                   sorted(repr((pointer(p), kw, m, d)) for p, kw, m, d in plain), str(path)
            compared += 1
            invalid += bool(plain)
    assert compared > SAMPLE and invalid > SAMPLE  # the mutants do produce errors


def test_examples_are_valid(setup):
    for path in setup["files"]:
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert not setup["compiled"](doc), path


def test_dispatch_replaced_every_choice(setup):
    defs = setup["derived"]["definitions"]
    choices = [k for k, v in setup["official_doc"]["definitions"].items() if "oneOf" in v]
    assert choices and all("if" in defs[k] for k in choices)


def test_no_surrogate_patterns_left(setup):
    text = json.dumps(setup["derived"])
    assert not re.search(r"\\\\ud[89ab][0-9a-f]{2}", text, re.IGNORECASE)


@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=8))
def test_rewritten_xml_char_pattern_is_the_xml_char_production(text):
    official = r"^([\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd]|\ud800[\udc00-\udfff]|[\ud801-\udbfe][\udc00-\udfff]|\udbff[\udc00-\udfff])*$"
    rewritten = re.compile(rewrite_pattern(official))
    xml_char = all(c in "\t\n\r" or 0x20 <= ord(c) <= 0xD7FF or 0xE000 <= ord(c) <= 0xFFFD
                   or 0x10000 <= ord(c) <= 0x10FFFF for c in text)
    assert bool(rewritten.search(text)) == xml_char


def test_non_bmp_text_is_accepted_by_derived_and_rejected_by_official(schema_dir):
    official = json.loads((schema_dir / "V3.1.2" / "aas.json").read_text(encoding="utf-8"))
    doc = {"submodels": [{"id": "urn:x", "modelType": "Submodel", "submodelElements": [
        {"idShort": "T", "modelType": "Property", "valueType": "xs:string", "value": "\U0001F321 \U00020000"}]}]}
    doc["submodels"][0]["submodelElements"][0]["idShort"] = "Temp"
    assert not jsonschema.Draft201909Validator(official).is_valid(doc)
    assert not compile_schema(derive_schema(official))(doc)


def test_errors_are_located(schema_dir):
    official = json.loads((schema_dir / "V3.1.2" / "aas.json").read_text(encoding="utf-8"))
    validate = compile_schema(derive_schema(official))
    doc = {"submodels": [{"id": "urn:x", "modelType": "Submodel", "submodelElements": [
        {"idShort": "Group", "modelType": "SubmodelElementCollection", "value": [
            {"idShort": "P1", "modelType": "Property"}, {"idShort": "1x", "modelType": "Property",
                                                        "valueType": "xs:int"}]}]}]}
    errors = {(pointer(p), kw) for p, kw, _m, _d in validate(doc)}
    assert errors == {("/submodels/0/submodelElements/0/value/0", "required"),
                      ("/submodels/0/submodelElements/0/value/1/idShort", "pattern")}
