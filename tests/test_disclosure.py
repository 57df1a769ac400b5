"""Disclosure classes, ``aasref redact`` and the disclosure gate (issue 11).

Redaction is checked on the bytes of the output (JSON, XML and every AASX part, inflated): no value above the
level and no original identifier may be anywhere; every output validates in every layer; the gate flags
the unredacted input and accepts the redacted output.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from aas_refmodels import disclosure as dsc
from aas_refmodels import validate
from aas_refmodels.build import build_instance, build_shell, build_template
from aas_refmodels.cli import main
from aas_refmodels.errors import SpecError
from aas_refmodels.io import Thumbnail, write
from aas_refmodels.io.png import default_thumbnail
from aas_refmodels.io.writer import env_json_of
from aas_refmodels.redact import redact_bytes, redact_file
from aas_refmodels.spec import ElementSpec, ModelSpec, available_models, load_model, load_spec_file

from .strategies import leaf

PROCESSES = ["assembly", "die-casting", "forging", "heat-treatment", "injection-molding", "machining", "painting",
             "press", "surface-treatment", "welding"]
KEY = b"plant-key-0123456789abcdef"
OTHER_KEY = b"another-plant-key-0123456789"
FORMATS = ("json", "xml", "aasx")


def _clean(report: Any) -> list[str]:
    return [f"{f.code} {f.path} {f.message}" for f in report.findings]


def _bytes_of(data: bytes) -> bytes:
    """All bytes a reader could see: the file itself, or every part of an AASX, inflated."""
    if data[:2] != b"PK":
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return b"\n".join(zf.read(n) for n in zf.namelist())


# ----------------------------------------------------------------------------- classes in the models

@pytest.mark.parametrize("name,version", available_models())
def test_every_element_of_every_model_has_a_class(name: str, version: str) -> None:
    spec = load_model(name, version)
    assert spec.disclosure_note.get("en") and spec.disclosure_note.get("ko")
    for path, e in spec.walk():
        assert e.disclosure in dsc.LEVELS, path
        if e.role == "setpoint" and not (e.children or e.item):
            assert e.disclosure == "confidential", path  # no model discloses a set-point
        if e.identifier:
            assert e.model_type in ("Property", "SubmodelElementList", "SubmodelElementCollection"), path


def test_classes_follow_roles_and_model_overrides() -> None:
    im = dict(load_model("injection-molding").walk())
    assert im["ProcessData.CycleTime"].disclosure == "partner"
    assert im["ProcessData.PressureCurve__00__"].disclosure == "confidential"  # the model's override
    profile = [e for p, e in im.items() if p.endswith("InjectionUnits[].InjectionProfile")]
    assert profile and all(e.disclosure == "confidential" for e in profile)
    ht = dict(load_model("heat-treatment").walk())
    assert ht["ProcessData.CarbonPotential"].disclosure == "confidential"
    assert ht["ProcessData.SurfaceHardness"].disclosure == "partner"
    assert dict(load_model("idta-nameplate").walk())["Nameplate.ManufacturerName"].disclosure == "public"
    for name in PROCESSES:  # the shared cycle header marks its identifiers once, for every process
        walk = dict(load_model(name).walk())
        assert walk["ProcessData.OperatorId"].identifier and walk["ProcessData.PartIds[]"].identifier
        assert not walk["ProcessData.CycleTime"].identifier


def _spec_file(tmp_path: Path, block: dict[str, Any]) -> Path:
    doc = json.loads(_packaged("machining"))
    doc["disclosure"] = block
    p = tmp_path / "m.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    return p


def _packaged(name: str) -> str:
    from aas_refmodels.resources import models_dir
    return (models_dir() / name / "1.0.json").read_text(encoding="utf-8")


def test_paths_in_a_disclosure_block_must_exist(tmp_path: Path) -> None:
    note = {"en": "x", "ko": "엑스"}
    ok = load_spec_file(_spec_file(tmp_path, {"note": note, "classes": {"ProcessData.CycleTime": "public"}}))
    assert dict(ok.walk())["ProcessData.CycleTime"].disclosure == "public"
    with pytest.raises(SpecError, match=r"\$\.disclosure\.classes\['ProcessData\.NoSuchThing'\].*no element"):
        load_spec_file(_spec_file(tmp_path, {"note": note, "classes": {"ProcessData.NoSuchThing": "public"}}))
    with pytest.raises(SpecError, match=r"disclosure\.identifiers.*ProcessData\.Nope"):
        load_spec_file(_spec_file(tmp_path, {"note": note, "identifiers": ["ProcessData.Nope"]}))
    with pytest.raises(SpecError, match="secret"):
        load_spec_file(_spec_file(tmp_path, {"note": note, "classes": {"ProcessData.CycleTime": "secret"}}))


def test_templates_carry_the_class_as_own_qualifier_instances_do_not() -> None:
    spec = load_model("welding")
    tpl = env_json_of(build_template(spec).objects())
    text = json.dumps(tpl)
    quals: list[dict[str, Any]] = []

    def walk(n: Any) -> None:
        if isinstance(n, dict):
            quals.extend(q for q in n.get("qualifiers", []) if q.get("type") == "aasref/Disclosure")
            for v in n.values():
                walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)
    walk(tpl)
    assert len(quals) == spec.element_count()
    assert {q["value"] for q in quals} == {"partner", "confidential"}
    assert all(q["kind"] == "TemplateQualifier" and q["valueType"] == "xs:string" for q in quals)
    assert text.count('"aasref/Identifier"') == sum(e.identifier for _, e in spec.walk())
    assert "qualifier/Disclosure/1/0" in text and "admin-shell.io/SubmodelTemplates/Disclosure" not in text
    inst = json.dumps(env_json_of(build_instance(spec).objects()))
    assert "aasref/Disclosure" not in inst


def test_show_disclosure() -> None:
    r = CliRunner().invoke(main, ["show", "heat-treatment", "--disclosure"])
    assert r.exit_code == 0, r.output
    assert "disclosure: " in r.output and "<confidential>" in r.output and "<partner, id>" in r.output
    ko = CliRunner().invoke(main, ["show", "heat-treatment", "--disclosure", "--lang", "ko"])
    assert "공개 등급: " in ko.output


# ----------------------------------------------------------------------------- random instances

_NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)  # a failure is reported at once, not shrunk for minutes
TOKEN = st.from_regex(r"Q[A-Z]{3}[0-9]{7}", fullmatch=True)


@st.composite
def distinctive_values(draw: st.DrawFn, spec: ModelSpec) -> tuple[dict[str, Any], list[tuple[str, ElementSpec]]]:
    """Valid values (mandatory always, optional at random) where every free string is a unique token, so that
    its presence in an output can be told from its bytes; returns the values and (token, element) pairs."""
    flat: dict[str, Any] = {}
    marks: list[tuple[str, ElementSpec]] = []
    count = iter(range(10**4))

    def token() -> str:  # unique, all of one length: no token is part of another
        return f"{draw(TOKEN)}{next(count):04d}"

    def value(e: ElementSpec) -> Any:
        if e.model_type == "Property" and e.value_type == "xs:string" and not e.allowed_values:
            t = token()
            marks.append((t, e))
            return t
        if e.model_type == "MultiLanguageProperty":
            en, ko = token(), token()
            marks.extend([(en, e), (ko, e)])
            return {"en": en, "ko": "한" + ko}
        if e.model_type == "Property" and e.value_type == "xs:double" and not e.allowed_values:
            lo, hi = e.allowed_range or (None, None)
            lo = 0.0 if lo is None else lo
            hi = lo + 1000.0 if hi is None else hi
            x = draw(st.integers(0, 10**6)) / 10**6 * (hi - lo) + lo
            x = round(x, 6)
            if lo <= x <= hi and len(repr(x)) >= 9 and "e" not in repr(x):
                marks.append((repr(x), e))
            return x
        return draw(leaf(e))

    def fill(e: ElementSpec, path: str, force: bool) -> None:
        if not force and not e.cardinality.required and not draw(st.booleans()):
            return
        if e.model_type in ("SubmodelElementCollection", "Entity"):
            for c in e.children:
                visit(c, path)
        elif e.model_type == "SubmodelElementList":
            assert e.item is not None
            for i in range(draw(st.integers(1 if e.item.cardinality.required else 0, 2))):
                fill(e.item, f"{path}[{i}]", True)
        else:
            flat[path] = value(e)

    def visit(e: ElementSpec, parent: str) -> None:
        if e.repeated:
            for i in range(draw(st.integers(1 if e.cardinality.required else 0, 2))):
                fill(e, f"{parent}.{e.base_id_short}[{i}]", True)
        else:
            fill(e, f"{parent}.{e.id_short}", False)

    for sm in spec.submodels:
        for e in sm.elements:
            visit(e, sm.id_short)
    return flat, marks


def _write(objects: list[Any], fmt: str, tmp: Path) -> Path:
    p = tmp / f"in.{fmt}"
    write(objects, p)
    return p


def _check_public_and_partner(name: str, data: Any, fmt: str, tmp: Path, schema_dir: Any) -> None:
    spec = load_model(name)
    values, marks = data.draw(distinctive_values(spec))
    lot = "Z" + data.draw(TOKEN)  # no Z in the value tokens: the asset id is no part of a value
    asset_id = f"https://factory.example.kr/asset/press-{lot}"
    from aas_refmodels.build.shell import shell_spec
    nameplate = {k: v for k, v in _examples(shell_spec(spec)).items()  # the shell needs its nameplate
                 if k.startswith(("Nameplate.", "TechnicalData."))}
    serial = str(nameplate["Nameplate.SerialNumber"])
    built = build_shell(spec, values={**nameplate, **values}, asset_id=asset_id)
    src = _write(built.objects(), fmt, tmp)
    before = src.read_bytes()
    non_public = {t for t, e in marks if e.disclosure != "public" or e.identifier}
    identifiers = {t for t, e in marks if e.identifier} | {serial}
    confidential = {t for t, e in marks if e.disclosure == "confidential" and not e.identifier}
    partner = {t for t, e in marks if e.disclosure == "partner" and not e.identifier}
    assert any(t.encode() in _bytes_of(before) for t in non_public | {lot})  # the test can fail

    for level, gone in (("public", non_public), ("partner", confidential | identifiers)):
        out = tmp / f"out-{level}.{fmt}"
        redact_file(src, out, level=level, key=KEY)
        assert src.read_bytes() == before  # input never modified
        body = _bytes_of(out.read_bytes())
        leaked = sorted(t for t in gone | {lot, asset_id, serial} if t.encode() in body)
        assert not leaked, (level, leaked)
        # every layer clean, and the gate (profile layer) accepts it: only free-text warnings may remain
        report = validate.validate(out, schema_dir=schema_dir, profile="disclosure", policy={"level": level})
        assert all(r.status == "run" for r in report.layers if r.layer.value != "package" or fmt == "aasx")
        assert not [x for x in _clean(report) if not x.startswith("DSC004")], (level, _clean(report)[:5])
        if level == "partner":
            missing = sorted(t for t in partner if t.encode() not in body)
            assert not missing  # partner values are kept unchanged
    raw = validate.validate(src, schema_dir=schema_dir, profile="disclosure", policy={"level": "public"},
                            layers=["package", "deserialize", "profile"])
    assert {"DSC001", "DSC002"} <= {f.code for f in raw.findings}


@pytest.mark.parametrize("name", PROCESSES)
@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck), phases=_NO_SHRINK)
@given(data=st.data())
def test_redacted_outputs_leak_nothing_and_validate(name: str, data: Any, tmp_path_factory: Any,
                                                     schema_dir: Any) -> None:
    fmt = FORMATS[PROCESSES.index(name) % 3]
    _check_public_and_partner(name, data, fmt, tmp_path_factory.mktemp(name), schema_dir)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", PROCESSES)
@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck), phases=_NO_SHRINK)
@given(data=st.data())
def test_redacted_outputs_leak_nothing_and_validate_every_format(name: str, fmt: str, data: Any,
                                                                 tmp_path_factory: Any, schema_dir: Any) -> None:
    _check_public_and_partner(name, data, fmt, tmp_path_factory.mktemp(name), schema_dir)


# ----------------------------------------------------------------------------- pseudonyms

def _shell_bytes(fmt: str = "json") -> tuple[bytes, str, str]:
    spec = load_model("machining")
    serial = "SN-4711-0815"
    asset_id = f"https://factory.example.kr/asset/vmc/{serial}"
    built = build_shell(spec, asset_id=asset_id)
    for obj in built.objects():  # the nameplate's serial number is the one embedded in the asset id
        if getattr(obj, "id_short", None) == "Nameplate":
            obj.get_referable("SerialNumber").value = serial
    buf = io.BytesIO()
    from aas_refmodels.io import serialize
    buf.write(serialize(built.objects(), "json"))
    return buf.getvalue(), serial, asset_id


def _ids_and_refs(doc: dict[str, Any]) -> tuple[set[str], set[str]]:
    ids = {sm["id"] for sm in doc.get("submodels", [])}
    refs = {r["keys"][0]["value"] for aas in doc.get("assetAdministrationShells", []) for r in aas.get("submodels", [])}
    return ids, refs


def test_pseudonyms_deterministic_per_key_unlinkable_across_keys_references_consistent() -> None:
    data, serial, asset_id = _shell_bytes()
    a1 = redact_bytes(data, level="partner", key=KEY, fmt="json").data
    a2 = redact_bytes(data, level="partner", key=KEY, fmt="json").data
    b = redact_bytes(data, level="partner", key=OTHER_KEY, fmt="json").data
    assert a1 == a2  # same key, same input: same output (records of one machine link up)
    for out in (a1, b):
        assert serial.encode() not in out and asset_id.encode() not in out and b"factory.example.kr" not in out
    doc1, doc2 = json.loads(a1), json.loads(b)
    s1 = doc1["assetAdministrationShells"][0]["assetInformation"]["globalAssetId"]
    s2 = doc2["assetAdministrationShells"][0]["assetInformation"]["globalAssetId"]
    assert dsc.is_pseudonym(s1) and dsc.is_pseudonym(s2) and s1 != s2
    assert s1 == dsc.pseudonym_iri(KEY, asset_id)
    ps1, ps2 = set(re.findall(rb"PSN-[0-9a-f]{20}", a1)), set(re.findall(rb"PSN-[0-9a-f]{20}", b))
    assert ps1 and not ps1 & ps2  # another key: nothing to link
    for doc in (doc1, doc2):
        ids, refs = _ids_and_refs(doc)
        assert refs and refs <= ids  # every shell reference still resolves
        nameplate = next(sm for sm in doc["submodels"] if sm["idShort"] == "Nameplate")
        sn = next(e for e in nameplate["submodelElements"] if e["idShort"] == "SerialNumber")["value"]
        assert dsc.is_pseudonym(sn)
    assert dsc.pseudonym(KEY, serial) in a1.decode()


def test_shift_time_moves_every_timestamp_by_one_keyed_offset() -> None:
    data, _, _ = _shell_bytes()
    out = json.loads(redact_bytes(data, level="partner", key=KEY, fmt="json", shift_time=True).data)
    src = json.loads(data)

    def times(doc: dict[str, Any]) -> list[str]:
        found: list[str] = []

        def walk(n: Any) -> None:
            if isinstance(n, dict):
                if n.get("valueType") == "xs:dateTime" and isinstance(n.get("value"), str):
                    found.append(n["value"])
                for v in n.values():
                    walk(v)
            elif isinstance(n, list):
                for v in n:
                    walk(v)
        walk(doc)
        return found
    import datetime
    before = {datetime.datetime.fromisoformat(t) for t in times(src)}
    after = {datetime.datetime.fromisoformat(t) for t in times(out)}
    assert before and len(after) == len(before) and not before & after
    deltas = {a - b for a, b in zip(sorted(after), sorted(before), strict=True)}
    assert deltas == {datetime.timedelta(seconds=dsc.time_offset_seconds(KEY))}


# ----------------------------------------------------------------------------- files, coarsening, policies

def _package_with_files(tmp: Path) -> Path:
    from basyx.aas import model
    spec = load_model("press")
    built = build_shell(spec, asset_id="https://example.com/asset/P1", thumbnail="/aasx/thumbnail.png")
    objs = built.objects()
    for obj in objs:
        if isinstance(obj, model.Submodel) and obj.id_short == "Nameplate":
            logo = obj.get_referable("CompanyLogo")
            logo.value, logo.content_type = "/aasx/files/logo-confidential.png", "image/png"
    p = tmp / "in.aasx"
    write(objs, p, attachments={"/aasx/files/logo-confidential.png": default_thumbnail(seed="logo") + b"LOGOMARK"},
          thumbnail=Thumbnail("/aasx/thumbnail.png", default_thumbnail(seed="t") + b"THUMBMARK"))
    return p


def test_files_above_the_level_leave_the_package_with_their_element(tmp_path: Path, schema_dir: Any) -> None:
    src = _package_with_files(tmp_path)
    policy_file = tmp_path / "plant.yaml"
    policy_file.write_text("classes:\n  byPath:\n    Nameplate.CompanyLogo: confidential\nthumbnail: partner\n")
    gate = CliRunner().invoke(main, ["validate", str(src), "--disclosure", "public", "--policy", str(policy_file),
                                     "--select", "DSC"])
    assert gate.exit_code == 1 and gate.output.count("DSC003") == 2, gate.output
    out = tmp_path / "out.aasx"
    key = tmp_path / "key"
    key.write_bytes(KEY + b"\n")
    r = CliRunner().invoke(main, ["redact", str(src), str(out), "--level", "public", "--policy", str(policy_file),
                                  "--key-file", str(key)])
    assert r.exit_code == 0, r.output
    body = _bytes_of(out.read_bytes())
    assert b"LOGOMARK" not in body and b"THUMBMARK" not in body and b"logo-confidential" not in body
    names = zipfile.ZipFile(out).namelist()
    assert not [n for n in names if "logo" in n or "thumbnail" in n]
    report = json.loads((tmp_path / "out.aasx.redaction.json").read_text())
    assert {"dropped", "file removed", "pseudonymized"} <= set(report["summary"])
    assert (tmp_path / "out.aasx.redaction.txt").read_text().startswith("redaction for level public")
    assert KEY.decode() not in (tmp_path / "out.aasx.redaction.json").read_text()
    assert validate.validate(out, schema_dir=schema_dir).ok
    ok = CliRunner().invoke(main, ["validate", str(out), "--disclosure", "public", "--policy", str(policy_file)])
    assert ok.exit_code == 0, ok.output
    # at partner level the thumbnail (partner) stays, the confidential logo goes
    r = CliRunner().invoke(main, ["redact", str(src), str(tmp_path / "p.aasx"), "--level", "partner", "--policy",
                                  str(policy_file), "--key-file", str(key)])
    body = _bytes_of((tmp_path / "p.aasx").read_bytes())
    assert r.exit_code == 0 and b"THUMBMARK" in body and b"LOGOMARK" not in body


def test_report_names_actions_never_values() -> None:
    spec = load_model("welding")
    built = build_instance(spec)
    data = json.dumps(env_json_of(built.objects())).encode()
    res = redact_bytes(data, level="public", key=KEY, fmt="json")
    text = res.report_json() + res.report_text()
    src = json.loads(data)
    values = set()

    def walk(n: Any) -> None:
        if isinstance(n, dict):
            v = n.get("value")
            if n.get("modelType") == "Property" and isinstance(v, str) and len(v) >= 6 and re.search(r"\d", v):
                values.add(n["value"])
            for v in n.values():
                walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)
    walk(src)
    assert values and not [v for v in values if v in text and not v.startswith("http")]
    actions = json.loads(res.report_json())["actions"]
    assert all({"path", "action", "reason"} <= set(a) for a in actions)
    assert any("above level public" in a["reason"] for a in actions)


def test_coarsening_keeps_the_value_type_and_the_gate_accepts_coarse_values(tmp_path: Path) -> None:
    assert dsc.coarsen("123.456", "xs:double", dsc.Coarsen(digits=2)) == "120.0"
    assert dsc.coarsen("1234", "xs:int", dsc.Coarsen(bucket=100)) == "1200"
    assert dsc.coarsen("0.012345", "xs:decimal", dsc.Coarsen(digits=3)) == "0.0123"
    spec = load_model("injection-molding")
    data = json.dumps(env_json_of(build_instance(spec, {**_examples(spec), "ProcessData.CycleTime": 23.4567}
                                                 ).objects())).encode()
    policy_map = {"classes": {"byPath": {"ProcessData.CycleTime": "confidential"}},
                  "coarsen": [{"path": "ProcessData.CycleTime", "digits": 2}]}
    out = json.loads(redact_bytes(data, level="partner", key=KEY, fmt="json",
                                  policy=dsc.Policy.from_mapping(policy_map)).data)
    pd = next(sm for sm in out["submodels"] if sm["idShort"] == "ProcessData")
    ct = next(e for e in pd["submodelElements"] if e["idShort"] == "CycleTime")
    assert ct["value"] == "23.0" or float(ct["value"]) == 23.0
    assert ct["valueType"] == "xs:double"
    gate = validate.validate(json.dumps(out).encode(), profile="disclosure", policy={**policy_map, "level": "partner"},
                             layers=["profile"])
    assert not [f for f in gate.findings if f.code == "DSC001"], _clean(gate)
    raw = validate.validate(data, profile="disclosure", policy={**policy_map, "level": "partner"}, layers=["profile"])
    assert any(f.code == "DSC001" and "CycleTime" in str(f.path) for f in raw.findings)


def _examples(spec: ModelSpec) -> dict[str, Any]:
    from aas_refmodels.build.values import example_values
    return dict(example_values(spec))


def test_policy_by_semantic_id_classifies_a_foreign_file() -> None:
    spec = load_model("welding")
    doc = env_json_of(build_instance(spec).objects())
    for sm in doc["submodels"]:  # a foreign template: our model cannot be recognized any more
        sm.pop("supplementalSemanticIds", None)
        sm["semanticId"] = {"type": "ExternalReference", "keys": [{"type": "GlobalReference",
                                                                   "value": "https://foreign.example/sm"}]}
        sm.pop("administration", None)
    data = json.dumps(doc).encode()
    current = next(e for sm in doc["submodels"] for e in sm["submodelElements"] if e["idShort"] == "WeldingCurrent")
    sid = current["semanticId"]["keys"][0]["value"]
    policy = {"defaultClass": "public", "classes": {"bySemanticId": {sid: "confidential"}}}
    gate = validate.validate(data, profile="disclosure", policy={**policy, "level": "partner"}, layers=["profile"])
    flagged = [str(f.path) for f in gate.findings if f.code == "DSC001"]
    assert flagged and all(p.endswith(".WeldingCurrent") for p in flagged), flagged
    out = json.loads(redact_bytes(data, level="partner", key=KEY, fmt="json",
                                  policy=dsc.Policy.from_mapping(policy)).data)
    assert "WeldingCurrent" not in json.dumps(out) or all(
        "value" not in e for sm in out["submodels"] for e in sm["submodelElements"] if e["idShort"] == "WeldingCurrent")
    strict = validate.validate(data, profile="disclosure", policy={"level": "partner"}, layers=["profile"])
    assert sum(f.code == "DSC001" for f in strict.findings) > 10  # unclassified: confidential by default


@pytest.mark.parametrize("text,where", [
    ("classes:\n  byPath:\n    ProcessData.CycleTime: secret\n", ":3: $.classes.byPath['ProcessData.CycleTime']"),
    ("level: public\ncoarsen:\n  - path: ProcessData.CycleTime\n", ":3: $.coarsen[0]"),
    ("level: public\nidentifers: []\n", ":1: $: Additional properties"),
    ("classes: [\n", ":2: not valid YAML"),
])
def test_policy_file_errors_are_located(tmp_path: Path, text: str, where: str) -> None:
    p = tmp_path / "plant.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(dsc.PolicyFileError) as err:
        dsc.load_policy(p)
    assert where in str(err.value) and str(p) in str(err.value)
    src = tmp_path / "m.json"
    src.write_bytes(json.dumps(env_json_of(build_instance(load_model("press")).objects())).encode())
    for args in (["redact", str(src), str(tmp_path / "o.json"), "--level", "public", "--policy", str(p)],
                 ["validate", str(src), "--disclosure", "public", "--policy", str(p)]):
        r = CliRunner().invoke(main, args, env={"AASREF_REDACT_KEY": KEY.decode()})
        assert r.exit_code == 2, r.output
        assert where.split(": ", 1)[0] in r.output and "Traceback" not in r.output
    assert not (tmp_path / "o.json").exists()


def test_redact_cli_usage_errors_leave_nothing_behind(tmp_path: Path) -> None:
    src = tmp_path / "m.json"
    src.write_bytes(json.dumps(env_json_of(build_instance(load_model("press")).objects())).encode())
    out = tmp_path / "o.json"
    r = CliRunner().invoke(main, ["redact", str(src), str(out), "--level", "public"], env={"AASREF_REDACT_KEY": ""})
    assert r.exit_code == 2 and "AASREF_REDACT_KEY" in r.output and not out.exists()
    r = CliRunner().invoke(main, ["redact", str(src), str(out), "--level", "public"], env={"AASREF_REDACT_KEY": "short"})
    assert r.exit_code == 2 and "16" in r.output and not out.exists()
    r = CliRunner().invoke(main, ["redact", str(src), str(src), "--level", "public"],
                           env={"AASREF_REDACT_KEY": KEY.decode()})
    assert r.exit_code == 2 and json.loads(src.read_bytes())
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    r = CliRunner().invoke(main, ["redact", str(bad), str(out), "--level", "public"],
                           env={"AASREF_REDACT_KEY": KEY.decode()})
    assert r.exit_code == 3 and len(r.output.strip().splitlines()) == 1 and not out.exists()
    assert not list(tmp_path.glob(".o.json*"))
    r = CliRunner().invoke(main, ["validate", str(src), "--disclosure", "public", "--profile", "kosmo"])
    assert r.exit_code == 2


def test_policy_by_role_and_by_path_override_the_model() -> None:
    spec = load_model("machining")
    doc = env_json_of(build_instance(spec).objects())
    base = dsc.classify(doc, dsc.Policy())
    by = {c.template_path: c for c in base}
    assert by["ProcessData.SpindleSpeed"].cls == "partner" and by["ProcessData.SpindleSpeed"].reason.startswith(
        "model machining")
    policy = dsc.Policy.from_mapping({"classes": {"byRole": {"actual": "public"},
                                                  "byPath": {"ProcessData.FeedRate": "confidential"}}})
    over = {c.template_path: c for c in dsc.classify(doc, policy)}
    assert over["ProcessData.SpindleSpeed"].cls == "public" and "byRole actual" in over["ProcessData.SpindleSpeed"].reason
    assert over["ProcessData.FeedRate"].cls == "confidential" and "byPath" in over["ProcessData.FeedRate"].reason
    assert over["ProcessData.CycleTime"].cls == "partner"  # role record: untouched


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _gate_then_redact(tmp: Path, build_args: list[str], schema_dir: Any) -> None:
    src = tmp / "in.aasx"
    r = CliRunner().invoke(main, ["build", *build_args, "-o", str(src)])
    assert r.exit_code == 0, r.output
    for level in ("public", "partner"):
        gate = CliRunner().invoke(main, ["validate", str(src), "--disclosure", level, "--select", "DSC", "-q"])
        assert gate.exit_code == 1 and "DSC001" in gate.output and "DSC002" in gate.output, gate.output
        out = tmp / f"out-{level}.aasx"
        r = CliRunner().invoke(main, ["redact", str(src), str(out), "--level", level, "-q"],
                               env={"AASREF_REDACT_KEY": KEY.decode()})
        assert r.exit_code == 0, r.output
        ok = CliRunner().invoke(main, ["validate", str(out), "--disclosure", level, "--schema-dir", str(schema_dir),
                                       "--ignore", "DSC004"])
        assert ok.exit_code == 0, ok.output


def test_the_gate_flags_the_machining_example_shell_and_accepts_it_redacted(tmp_path: Path, schema_dir: Any) -> None:
    ex = EXAMPLES / "machining"
    _gate_then_redact(tmp_path, ["--process", "machining", "--asset-id",
                                 "https://hanbit-machinery.example/asset/HB-VMC850-2611-0042", "--values",
                                 str(ex / "shell-values.json"), "--thumbnail", str(ex / "thumbnail.png")], schema_dir)
    names = zipfile.ZipFile(tmp_path / "out-public.aasx").namelist()
    assert any("thumbnail" in n for n in names)  # public thumbnail and logo stay
    assert b"HB-VMC850-2611-0042" not in _bytes_of((tmp_path / "out-public.aasx").read_bytes())


@pytest.mark.slow
@pytest.mark.parametrize("values", sorted(EXAMPLES.glob("*/values*.json")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_gate_flags_every_example_and_accepts_it_redacted(values: Path, tmp_path: Path, schema_dir: Any) -> None:
    _gate_then_redact(tmp_path, [values.parent.name, "--kind", "instance", "--values", str(values),
                                 "--asset-id", "https://factory.example.kr/asset/X-0042"], schema_dir)


def test_layers_redact_and_disclosure_import_neither_validate_nor_build() -> None:
    import ast

    import aas_refmodels
    pkg = Path(aas_refmodels.__file__).resolve().parent
    for sub, allowed in (("redact", {"disclosure", "io", "spec", "errors"}), ("disclosure", {"spec", "resources"})):
        for path in sorted((pkg / sub).glob("*.py")):
            used = set()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.level >= 2:
                    used.add((node.module or node.names[0].name).split(".")[0])
                elif isinstance(node, ast.ImportFrom) and node.level == 1 and node.module is None:
                    used |= {a.name for a in node.names}
                elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("aas_refmodels"):
                    used.add((node.module or "").split(".")[1])
            assert used <= allowed, (sub, path.name, used - allowed)


def test_a_number_coarsened_out_of_the_templates_range_is_removed_instead() -> None:
    import dataclasses

    from aas_refmodels.redact import _Run
    e = dict(load_model("machining").walk())["ProcessData.CoolantConcentration"]
    spec = dataclasses.replace(e, allowed_range=(1.5, 100.0))
    el = {"modelType": "Property", "idShort": "CoolantConcentration", "valueType": "xs:double", "value": "7.25"}
    run = _Run({"submodels": []}, "public", KEY, dsc.Policy(), None)

    def classified(rule: dsc.Coarsen) -> dsc.Classified:
        return dsc.Classified(el, [el], "/x", "Submodel[id=x].CoolantConcentration",
                              "ProcessData.CoolantConcentration", "confidential", "test", False, False, spec, rule)
    assert run._coarsen(classified(dsc.Coarsen(bucket=5))) and el["value"] == "5.0"  # inside [1.5, 100]
    el["value"] = "7.25"
    assert not run._coarsen(classified(dsc.Coarsen(bucket=10))) and el["value"] == "7.25"  # 0 < 1.5: not coarsened
