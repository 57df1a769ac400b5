"""The invalid corpus: one directory per rule code, golden findings per case, every rule covered."""

from __future__ import annotations

import json

import pytest
from validate_helpers import CORPUS, corpus_cases, golden_view, spec_version_of, templates_of

from aas_refmodels import rules
from aas_refmodels.validate import validate

CASES = corpus_cases()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_corpus_case_matches_golden(case, schema_dir, record):
    """Goldens are recorded with the basyx compatibility check (SER005) on; the default run (off) must give
    exactly the golden findings without SER005. SER005's own cases run with the check on."""
    name = f"{case.parent.name}/{case.name}"
    basyx = record or case.parent.name == "SER005"
    report = validate(case, schema_dir=schema_dir, spec_version=spec_version_of(case), name=name,
                      templates=templates_of(case), basyx=basyx)
    assert case.parent.name in report.codes, f"{name} does not produce its own code: {report.codes}"
    got = golden_view(report)
    golden = case.with_name(case.name + ".findings.json")
    if record:
        golden.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert golden.exists(), f"no golden for {name}: run with AASREF_RECORD=1 and review it"
    expected = json.loads(golden.read_text(encoding="utf-8"))
    if not basyx:
        expected["findings"] = [f for f in expected["findings"] if f["code"] != "SER005"]
    assert got == expected


def test_every_rule_has_an_invalid_fixture():
    covered = {c.parent.name for c in CASES}
    missing = sorted(code for code, rule in rules.RULES.items() if not rule.retired and code not in covered)
    assert not missing, f"rules without an invalid fixture in tests/validate/corpus: {missing}"


def test_corpus_directories_are_rule_codes():
    unknown = sorted(d.name for d in CORPUS.iterdir() if d.is_dir() and d.name not in rules.RULES)
    assert not unknown


def test_findings_are_well_formed_everywhere(schema_dir):
    for case in CASES:
        report = validate(case, schema_dir=schema_dir, spec_version=spec_version_of(case),
                          templates=templates_of(case))
        for f in report.findings:
            assert f.code in rules.RULES
            assert f.message and not f.message.endswith("."), (case, f.message)
            assert (f.code not in f.message and str(f.path) not in f.message) or not str(f.path), (case, f.message)
            assert f.source.document
        assert list(report.findings) == sorted(report.findings, key=lambda f: f.sort_key())
