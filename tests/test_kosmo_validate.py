"""KOSMO profile in validate: a known-good scaffold passes; each single-rule mutation trips exactly its rule."""

from __future__ import annotations

import copy
import io
import json
import os
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent / "kosmo"))
from scaffold import BASE, cd_id, scaffold

from aas_refmodels.cli import main
from aas_refmodels.findings import Layer, Severity
from aas_refmodels.profiles import PolicyError, load_profile
from aas_refmodels.validate import validate

Doc = dict[str, Any]


def _profile_findings(doc: Doc | bytes, **kw: Any) -> list[Any]:
    data = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    report = validate(data, profile="kosmo", layers=["profile"], **kw)
    assert report.layer("profile").status == "run"
    return [f for f in report.findings if f.layer is Layer.PROFILE]


def _sm(doc: Doc, name: str) -> Doc:
    return next(s for s in doc["submodels"] if s["idShort"] == name)


def _el(doc: Doc, sm: str, name: str) -> Doc:
    return next(e for e in _sm(doc, sm)["submodelElements"] if e.get("idShort") == name)


def _cd(doc: Doc, name: str) -> Doc:
    return next(c for c in doc["conceptDescriptions"] if c["idShort"] == name)


def _iec(doc: Doc, name: str) -> Doc:
    return _cd(doc, name)["embeddedDataSpecifications"][0]["dataSpecificationContent"]  # type: ignore[no-any-return]


def _aas(doc: Doc) -> Doc:
    return doc["assetAdministrationShells"][0]  # type: ignore[no-any-return]


def _m_sm_dup(d: Doc) -> None:
    _sm(d, "ProcessParameters")["idShort"] = "HierarchicalStructures2"
    _sm(d, "HierarchicalStructures2")["idShort"] = "ProcessParameters"
    _sm(d, "HierarchicalStructures")["idShort"] = "ProcessParameters"


MUTATIONS: dict[str, Callable[[Doc], None]] = {
    "KOSMO-AAS-1": lambda d: _aas(d)["assetInformation"].pop("defaultThumbnail"),
    "KOSMO-AAS-2": lambda d: _aas(d).update(idShort="Press-"),
    "KOSMO-AAS-3": lambda d: _aas(d).update(id=f"{BASE}/aas/TestPress/1/1"),
    "KOSMO-AAS-4": lambda d: _sm(d, "OperationalData").update(idShort="OperatingData"),
    "KOSMO-AAS-5": lambda d: _aas(d)["assetInformation"].pop("globalAssetId"),
    "KOSMO-AAS-6": lambda d: _aas(d)["assetInformation"].update(assetKind="Instance"),
    "KOSMO-SM-1": lambda d: _sm(d, "ProcessParameters").update(idShort="P"),
    "KOSMO-SM-2": lambda d: _sm(d, "ProcessParameters")["administration"].update(revision="1"),
    "KOSMO-SM-3": lambda d: _sm(d, "TechnicalData").update(semanticId={
        "type": "ExternalReference",
        "keys": [{"type": "GlobalReference", "value": "https://admin-shell.io/ZVEI/TechnicalData/Submodel/1/2"}]}),
    "KOSMO-SM-4": lambda d: _sm(d, "OperationalData").update(kind="Instance"),
    "SM-DUP-IDSHORT": lambda d: _sm(d, "HierarchicalStructures").update(idShort="ProcessParameters"),
    "KOSMO-SME-1": lambda d: _el(d, "OperationalData", "CycleTime").update(idShort="Cycle-"),
    "KOSMO-SME-2": lambda d: _sm(d, "OperationalData")["submodelElements"].append(
        {"modelType": "Operation", "idShort": "StartPress"}),
    "KOSMO-SME-3": lambda d: _el(d, "OperationalData", "CycleTime")["semanticId"]["keys"][0].update(
        value=cd_id("CycleDuration")),
    "KOSMO-SME-4": lambda d: _el(d, "OperationalData", "CycleTime").update(value=" "),
    "KOSMO-SME-5": lambda d: _iec(d, "CycleTime").update(dataType="STRING"),
    "KOSMO-CD-1": lambda d: _cd(d, "ToolId").update(idShort="9ToolId"),
    "KOSMO-CD-2": lambda d: d["conceptDescriptions"].append(
        {**copy.deepcopy(_cd(d, "ToolId")), "id": "https://example.org/cd/Extra/1/0", "idShort": "Extra"}),
    "KOSMO-CD-3": lambda d: _iec(d, "ToolId").pop("definition"),
    "KOSMO-CD-4": lambda d: _iec(d, "Manual").update(dataType="FILE"),
    "KOSMO-CD-5": lambda d: d["conceptDescriptions"].append(copy.deepcopy(_cd(d, "ToolId"))),
    "HIER-1": lambda d: _el(d, "HierarchicalStructures", "ArcheType").update(value="Sideways"),
    "HIER-2": lambda d: _el(d, "HierarchicalStructures", "EntryNode")["statements"][0].update(
        globalAssetId=f"{BASE}/asset/TestPress/1/0"),
    "HIER-3": lambda d: _el(d, "HierarchicalStructures", "EntryNode")["statements"][1]["second"]["keys"][-1].update(
        value="Ghost"),
    "PKG-FILE-URI": lambda d: _el(d, "HandoverDocumentation", "Manual").update(value="docs/manual.pdf"),
    "PKG-LANG-DUP": lambda d: _el(d, "OperationalData", "CycleTime")["description"].append(
        {"language": "en", "text": "again"}),
    "PKG-EMPTY-ARRAY": lambda d: _el(d, "OperationalData", "CycleTime").update(supplementalSemanticIds=[]),
    "AASd-120": lambda d: _el(d, "TechnicalData", "Strokes")["value"][0].update(idShort="Stroke1"),
}


def test_scaffold_passes_profile_and_standard_layers() -> None:
    report = validate(json.dumps(scaffold()).encode(), profile="kosmo",
                      schema_dir=os.environ.get("AASREF_SCHEMA_DIR") or Path(__file__).parent.parent.parent / "shared" / "schemas")
    assert report.findings == (), [str(f.path) + " " + f.code for f in report.findings]
    assert report.layer("profile").status == "run"


def test_every_profile_rule_has_a_mutation() -> None:
    assert set(MUTATIONS) | {"PKG-THUMB-PART"} == set(load_profile("kosmo").rules)


@pytest.mark.parametrize("code", sorted(MUTATIONS))
def test_single_mutation_trips_exactly_its_rule(code: str) -> None:
    doc = scaffold()
    MUTATIONS[code](doc)
    found = _profile_findings(doc)
    assert found, f"{code} did not trip"
    assert {f.code for f in found} == {code}, [(f.code, f.message) for f in found]
    for f in found:
        assert f.details["remedy"] and f.details["remedyKo"], f.code
        assert f.details["kosmoPath"].startswith("/")


# -- package ------------------------------------------------------------------------------------------------

def _aasx(doc: Doc, *, override: bool = True, rel: bool = True, part: bool = True) -> bytes:
    buf = io.BytesIO()
    ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
          'relationships+xml"/><Default Extension="json" ContentType="application/json"/>'
          '<Override PartName="/aasx/aasx-origin" ContentType="text/plain"/>'
          + ('<Override PartName="/aasx/thumbnail.png" ContentType="image/png"/>' if override else "")
          + "</Types>")
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Type="http://admin-shell.io/aasx/relationships/aasx-origin" '
            'Target="/aasx/aasx-origin" Id="r1"/>'
            + ('<Relationship Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
               'thumbnail" Target="/aasx/thumbnail.png" Id="r2"/>' if rel else "") + "</Relationships>")
    orels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
             'package/2006/relationships"><Relationship Type="http://admin-shell.io/aasx/relationships/aas-spec" '
             'Target="/aasx/data.json" Id="r3"/></Relationships>')
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("aasx/aasx-origin", "Intentionally empty.")
        z.writestr("aasx/_rels/aasx-origin.rels", orels)
        z.writestr("aasx/data.json", json.dumps(doc))
        if part:
            z.writestr("aasx/thumbnail.png", b"\x89PNG\r\n\x1a\n")
    return buf.getvalue()


def test_package_scaffold_passes() -> None:
    assert _profile_findings(_aasx(scaffold())) == []


@pytest.mark.parametrize("missing", ["override", "rel"])
def test_thumbnail_part_without_relationship_or_override(missing: str) -> None:
    found = _profile_findings(_aasx(scaffold(), **{missing: False}))
    assert {f.code for f in found} == {"PKG-THUMB-PART"}


def test_thumbnail_part_missing_trips_aas1_and_thumb_part() -> None:
    found = _profile_findings(_aasx(scaffold(), part=False))
    assert {f.code for f in found} == {"KOSMO-AAS-1", "PKG-THUMB-PART"}


# -- policy switches ----------------------------------------------------------------------------------------

def _sev(doc: Doc, code: str, policy: dict[str, Any] | None = None) -> list[Severity]:
    return [f.severity for f in _profile_findings(doc, policy=policy) if f.code == code]


def test_iri_conflict_flips_sm3_and_cd2() -> None:
    doc = scaffold()
    MUTATIONS["KOSMO-SM-3"](doc)
    extra = copy.deepcopy(_cd(doc, "ToolId"))
    extra.update(id="https://admin-shell.io/idta/X/1/0", idShort="X1")
    doc["conceptDescriptions"].append(extra)
    assert _sev(doc, "KOSMO-SM-3") == [Severity.ERROR]
    assert _sev(doc, "KOSMO-CD-2") == [Severity.ERROR]
    assert _sev(doc, "KOSMO-SM-3", {"iriConflict": "idta-preserve"}) == [Severity.WARNING]
    assert _sev(doc, "KOSMO-CD-2", {"iriConflict": "idta-preserve"}) == [Severity.WARNING]


def test_cd_definition_allow_empty_lowers_cd3_to_info() -> None:
    doc = scaffold()
    MUTATIONS["KOSMO-CD-3"](doc)
    assert _sev(doc, "KOSMO-CD-3") == [Severity.ERROR]
    assert _sev(doc, "KOSMO-CD-3", {"cdDefinition": "allow-empty"}) == [Severity.INFO]


def test_lang_tag_typo_preserve_lowers_to_warning() -> None:
    doc = scaffold()
    MUTATIONS["PKG-LANG-DUP"](doc)
    assert _sev(doc, "PKG-LANG-DUP") == [Severity.ERROR]
    assert _sev(doc, "PKG-LANG-DUP", {"langTagTypo": "preserve"}) == [Severity.WARNING]


def test_sml_child_id_short_warn_forbid_allow() -> None:
    doc = scaffold()
    MUTATIONS["AASd-120"](doc)
    assert _sev(doc, "AASd-120") == [Severity.WARNING]
    assert _sev(doc, "AASd-120", {"smlChildIdShort": "forbid"}) == [Severity.ERROR]
    assert _sev(doc, "AASd-120", {"smlChildIdShort": "allow"}) == []


def test_standard_template_semantics_preserve_lowers_sme3_to_info() -> None:
    doc = scaffold()
    _el(doc, "OperationalData", "CycleTime")["semanticId"]["keys"][0]["value"] = "https://admin-shell.io/idta/X/1/0"
    assert _sev(doc, "KOSMO-SME-3") == [Severity.ERROR]
    assert _sev(doc, "KOSMO-SME-3", {"standardTemplateSemantics": "preserve"}) == [Severity.INFO]


def test_reading_a_names_and_idshort_rule() -> None:
    doc = scaffold()
    found = _profile_findings(doc, policy={"reading": "A"})
    assert {f.code for f in found} == {"KOSMO-AAS-4"}
    assert "Identification" in found[0].message and "Documentation" in found[0].message
    _el(doc, "OperationalData", "CycleTime")["idShort"] = "cycleTime"   # V accepts lower case, A does not
    _el(doc, "DigitalNameplate", "SerialNumber")["value"] = "SN-1"      # renamed below: no longer exempt (SME-4)
    for s in doc["submodels"]:
        s["idShort"] = {"DigitalNameplate": "Identification", "HandoverDocumentation": "Documentation"}.get(
            s["idShort"], s["idShort"])
    assert _profile_findings(doc, policy={"reading": "V", "requiredSubmodels": ["Identification"]}) == []
    a = _profile_findings(doc, policy={"reading": "A"})
    assert {f.code for f in a} == {"KOSMO-SME-1"}
    # A's id rule: any IRI passes, no version suffix needed
    _aas(doc)["id"] = "urn:x:press"
    assert {f.code for f in _profile_findings(doc, policy={"reading": "A"})} == {"KOSMO-SME-1"}


def test_bad_policy_is_refused() -> None:
    with pytest.raises(PolicyError):
        validate(b"{}", profile="kosmo", policy={"iriConflict": "whatever"})
    with pytest.raises(PolicyError):
        validate(b"{}", profile="kosmo", policy={"noSuchKey": 1})
    with pytest.raises(PolicyError):
        validate(b"{}", profile="nosuch")


# -- CLI ----------------------------------------------------------------------------------------------------

def test_cli_profile_kosmo_format_and_policy(tmp_path: Path) -> None:
    doc = scaffold()
    MUTATIONS["KOSMO-AAS-6"](doc)
    f = tmp_path / "x.json"
    f.write_text(json.dumps(doc))
    r = CliRunner().invoke(main, ["validate", str(f), "--profile", "kosmo", "--format", "kosmo"])
    assert r.exit_code == 1, r.output
    lines = r.output.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith("The AssetAdministrationShell"))
    assert lines[i] == 'The AssetAdministrationShell "TestPressAAS" violates the Kosmo rules: @ ' \
                       '/assetAdministrationShells/0(TestPressAAS)'
    assert lines[i + 1].startswith("- assetKind is 'Instance'") and "KOSMO-AAS-6" in lines[i + 1]
    assert lines[i + 2].startswith("- set assetInformation.assetKind to Type")
    pol = tmp_path / "p.yaml"
    pol.write_text("iriConflict: nope\n")
    r = CliRunner().invoke(main, ["validate", str(f), "--profile", "kosmo", "--policy", str(pol)])
    assert r.exit_code == 2 and "iriConflict" in r.output
    r = CliRunner().invoke(main, ["validate", str(f), "--format", "kosmo"])
    assert r.exit_code == 2
    r = CliRunner().invoke(main, ["validate", str(f), "--profile", "kosmo", "--select", "KOSMO-SM"])
    assert r.exit_code == 0, r.output


def test_cli_rules_and_explain() -> None:
    r = CliRunner().invoke(main, ["rules", "--profile", "kosmo"])
    assert r.exit_code == 0
    codes = [line.split()[0] for line in r.output.splitlines()]
    assert codes == list(load_profile("kosmo").rules)
    for n in range(1, 7):
        assert f"KOSMO-AAS-{n}" in codes
    r = CliRunner().invoke(main, ["explain", "KOSMO-SME-3"])
    assert r.exit_code == 0
    assert "remedy:" in r.output and "조치:" in r.output and "vexplor-aas" in r.output
    assert "standardTemplateSemantics" in r.output


# -- layering ------------------------------------------------------------------------------------------------

def _imports(path: Path, pkg: Path) -> set[str]:
    import ast
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level:
                parts = path.relative_to(pkg.parent).with_suffix("").parts[:-node.level]
                mod = ".".join([*parts, *([mod] if mod else [])])
                names |= {f"{mod}.{a.name}" for a in node.names}
            names.add(mod)
    return names


def test_layers_profiles_build_fix_do_not_import_validate() -> None:
    import aas_refmodels
    pkg = Path(aas_refmodels.__file__).resolve().parent
    for sub, banned in (("profiles", ("aas_refmodels.validate", "aas_refmodels.build", "aas_refmodels.fix")),
                        ("build", ("aas_refmodels.validate",)), ("fix", ("aas_refmodels.validate",))):
        for path in sorted((pkg / sub).glob("*.py")):
            bad = {n for n in _imports(path, pkg) if n.startswith(banned)}
            assert not bad, (path.name, bad)
    assert (pkg / "profiles" / "kosmo.yaml").is_file()


def test_profile_rules_never_raise_on_odd_documents() -> None:
    import random

    from aas_refmodels import profiles
    from aas_refmodels.profiles import kosmo
    prof, pol = profiles.resolve("kosmo", None)
    rnd = random.Random(7)
    junk: list[Any] = [None, 1, "x", [], {}, [1], {"keys": 5}, {"keys": [{"value": []}]}, [None], "", True,
                       {"modelType": "Property"}, [{"language": []}]]

    def mutate(node: Any, depth: int = 0) -> None:
        if isinstance(node, dict) and node:
            k = rnd.choice(list(node))
            if rnd.random() < 0.3 or depth > 6:
                node[k] = copy.deepcopy(rnd.choice(junk))
            else:
                mutate(node[k], depth + 1)
        elif isinstance(node, list) and node:
            i = rnd.randrange(len(node))
            if rnd.random() < 0.3 or depth > 6:
                node[i] = copy.deepcopy(rnd.choice(junk))
            else:
                mutate(node[i], depth + 1)

    for _ in range(400):
        doc = scaffold()
        for _ in range(rnd.randint(1, 4)):
            mutate(doc)
        kosmo.check(profiles.Context(doc, "3.1", "x", pol, prof, None))   # findings, never an exception


def test_reading_a_drops_the_rules_a_does_not_implement() -> None:
    doc = scaffold()
    for code in ("KOSMO-SME-3", "KOSMO-CD-4", "PKG-LANG-DUP", "HIER-1"):
        MUTATIONS[code](doc)
    v = {f.code for f in _profile_findings(doc)}
    assert {"KOSMO-SME-3", "KOSMO-CD-4", "PKG-LANG-DUP", "HIER-1"} <= v
    a = {f.code for f in _profile_findings(doc, policy={"reading": "A"})}
    assert a == {"KOSMO-AAS-4"}
    assert {f.code for f in _profile_findings(doc, policy={"disabledRules": ["HIER-1"]})} == v - {"HIER-1"}
    with pytest.raises(PolicyError):
        validate(b"{}", profile="kosmo", policy={"disabledRules": ["NOPE-1"]})


def test_thumbnail_default_content_type_is_info(tmp_path: Path) -> None:
    data = _aasx(scaffold(), override=False)
    import zipfile as zf
    src = zf.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zf.ZipFile(buf, "w") as out:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "[Content_Types].xml":
                body = body.replace(b'<Default Extension="json"',
                                    b'<Default Extension="png" ContentType="image/png"/><Default Extension="json"')
            out.writestr(info, body)
    found = _profile_findings(buf.getvalue())
    assert [(f.code, f.severity) for f in found] == [("PKG-THUMB-PART", Severity.INFO)]
