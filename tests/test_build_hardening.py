"""Build never writes what validate rejects: every value a file cannot carry is a ValuesError with its path
(CLI: exit 1, short one-line errors, no file), plain Python values of factory scripts, time zones, values
files (BOM, CP949), and File sources confined to the values' folder."""

from __future__ import annotations

import datetime
import decimal
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aas_refmodels
from aas_refmodels import ValuesError, build_instance, load_model
from aas_refmodels.build.values import example_values
from aas_refmodels.cli import main
from aas_refmodels.io import serialize

from .conftest import official_schema_dir

ASSET = "https://factory.example.kr/asset/M-01"
MLP = "ProcessParameters.Processes.Process[0].ProcessDescription"
NC = "ProcessData.NCProgramName"  # mandatory xs:string
SPEC = load_model("machining")
BASE = example_values(SPEC)


def problems_of(values: dict[str, Any], **kwargs: Any) -> dict[str, str]:
    with pytest.raises(ValuesError) as info:
        build_instance(SPEC, {**BASE, **values}, asset_id=ASSET, **kwargs)
    return dict(info.value.problems)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


FUZZ_CASES: dict[str, tuple[str, Any, str]] = {
    "NUL in a string": (NC, "O1\x00", "U+0000"),
    "vertical tab": (NC, "O\x0b1", "U+000B"),
    "lone surrogate": (NC, "O1\ud800", "U+D800"),
    "U+FFFE": (NC, "O1\ufffe", "U+FFFE"),
    "5,000-digit integer": ("ProcessData.CycleCounter", 10**5000 - 1, "digits"),
    "5,000-digit integer text": ("ProcessData.CycleCounter", "9" * 5000, "characters"),
    "10^400 for xs:double": ("ProcessData.CycleTime", "1e400", "finite"),
    "10^400 as an integer for xs:double": ("ProcessData.CycleTime", 10**400, "range"),
    "year 10000": ("ProcessData.StartTime", "10000-01-01T00:00:00Z", "9999"),
    "NUL in a MultiLanguageProperty": (MLP, {"en": "a\x00b"}, "U+0000"),
    "surrogate in a MultiLanguageProperty": (MLP, {"ko": "\udc80"}, "U+DC80"),
    "language tag en-1": (MLP, {"en-1": "text"}, "BCP 47"),
    "MultiLanguageProperty text over 1023": (MLP, {"en": "x" * 1024}, "1023"),
}


@pytest.mark.parametrize("case", list(FUZZ_CASES))
def test_values_a_file_cannot_carry_are_refused_with_the_path(case: str) -> None:
    path, value, word = FUZZ_CASES[case]
    problems = problems_of({path: value})
    assert set(problems) == {path}
    assert word in problems[path]
    assert len(problems[path]) < 300  # at most ~80 characters of the value are quoted


def _shell_values(**extra: Any) -> dict[str, Any]:
    from aas_refmodels.build.shell import _examples, shell_spec

    return {**_examples(shell_spec(load_model("machining"))), **extra}


@pytest.mark.parametrize(("path", "value", "word"), [
    ("Nameplate.CompanyLogo", "https://files.example/" + "x" * 2048, "2048"),
    ("Nameplate.CompanyLogo", "/aasx/../etc/passwd", "'..'"),
    ("Nameplate.CompanyLogo", "/aasx/a\\b.png", "URI reference"),
    ("Nameplate.CompanyLogo", "/aasx/a b.png", "RFC 2396"),
    ("Nameplate.CompanyLogo", {"path": "/aasx/logo.png", "contentType": ""}, "empty contentType"),
    ("Nameplate.CompanyLogo", {"path": "/aasx/logo.png", "contentType": "png"}, "MIME"),
    ("Nameplate.CompanyLogo", {"path": "/aasx/../logo.png", "source": "logo.png"}, "'..'"),
    ("TechnicalData.ProductClassifications[0].ReferenceToTechnicalPropertyArea", "https://x.example/" + "y" * 2048,
     "2048"),
    ("TechnicalData.ProductClassifications[0].ReferenceToTechnicalPropertyArea", "https://x.example/\x00", "U+0000"),
])
def test_file_and_reference_values_are_checked(path: str, value: Any, word: str) -> None:
    from aas_refmodels import build_shell

    with pytest.raises(ValuesError) as info:
        build_shell(load_model("machining"), values=_shell_values(**{path: value}), asset_id=ASSET)
    problems = dict(info.value.problems)
    assert word in problems[path], problems


def test_values_nested_990_levels_are_a_values_error() -> None:
    deep: Any = "x"
    for _ in range(990):
        deep = {"a": deep}
    with pytest.raises(ValuesError) as info:
        build_instance(SPEC, {"ProcessData": deep}, asset_id=ASSET)
    assert any("nested more than" in m for _, m in info.value.problems)


def test_ids_over_2048_characters_are_refused() -> None:
    with pytest.raises(ValuesError, match="asset_id"):
        build_instance(SPEC, asset_id="https://factory.example.kr/" + "a" * 2048)
    with pytest.raises(ValuesError) as info:
        build_instance(SPEC, submodel_ids={"ProcessData": "https://x.example/" + "b" * 2048}, asset_id=ASSET)
    assert "2048" in dict(info.value.problems)["ProcessData"]


# ---- the CLI: exit 1, one short line per problem, no file ----------------------------------------------------

@pytest.mark.parametrize(("values", "word"), [
    ({NC: "O1\u0000"}, "U+0000"),
    ({"ProcessData.CycleCounter": "9" * 5000}, "characters"),
    ({MLP: {"en": "z" * 5000}}, "1023"),
])
def test_cli_refuses_bad_values_without_writing(tmp_path: Path, values: dict[str, Any], word: str) -> None:
    vfile = tmp_path / "v.json"
    vfile.write_text(json.dumps({**BASE, **values}), encoding="utf-8")
    for fmt in ("json", "xml", "aasx"):
        target = tmp_path / f"out.{fmt}"
        code, _, err = run("build", "machining", "--values", str(vfile), "--asset-id", ASSET, "-o", str(target))
        assert code == 1 and word in err and "Traceback" not in err
        assert all(len(line) < 300 for line in err.splitlines())
        assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.json"]


def test_cli_deeply_nested_values_file(tmp_path: Path) -> None:
    vfile = tmp_path / "v.json"
    vfile.write_text('{"ProcessData": ' + '{"a": ' * 990 + '"x"' + "}" * 991, encoding="utf-8")
    code, _, err = run("build", "machining", "--values", str(vfile), "--asset-id", ASSET, "-o",
                       str(tmp_path / "o.json"))
    assert code in (1, 3) and "Traceback" not in err and "nested" in err
    assert not (tmp_path / "o.json").exists()


def test_cli_huge_json_integer_and_double(tmp_path: Path) -> None:
    vfile = tmp_path / "v.json"
    text = json.dumps(BASE)[:-1] + ', "ProcessData.CycleCounter": ' + "7" * 5000 + ', "ProcessData.CycleTime": 1e400}'
    vfile.write_text(text, encoding="utf-8")
    code, _, err = run("build", "machining", "--values", str(vfile), "--asset-id", ASSET, "-o",
                       str(tmp_path / "o.json"))
    assert code == 1 and "ProcessData.CycleCounter" in err and "ProcessData.CycleTime" in err
    assert "7" * 100 not in err


# ---- values files: one JSON rule ------------------------------------------------------------------------------

def test_values_file_with_utf8_bom_is_accepted_by_build_and_validate(tmp_path: Path) -> None:
    vfile = tmp_path / "v.json"
    vfile.write_bytes(b"\xef\xbb\xbf" + json.dumps(BASE, ensure_ascii=False).encode("utf-8"))
    target = tmp_path / "m.json"
    assert run("build", "machining", "--values", str(vfile), "--asset-id", ASSET, "-o", str(target))[0] == 0
    bom_model = tmp_path / "bom.json"
    bom_model.write_bytes(b"\xef\xbb\xbf" + target.read_bytes())
    report = aas_refmodels.validate(bom_model)
    assert not [f for f in report.findings if f.code.startswith("SER")]


def test_cp949_values_file_says_how_to_convert(tmp_path: Path) -> None:
    vfile = tmp_path / "v.json"
    vfile.write_bytes(json.dumps({NC: "가공 프로그램"}, ensure_ascii=False).encode("cp949"))
    code, _, err = run("build", "machining", "--values", str(vfile), "--asset-id", ASSET, "-o",
                       str(tmp_path / "o.json"))
    assert code == 3
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "CP949" in lines[0] and "iconv" in lines[0]
    report = aas_refmodels.validate(vfile.read_bytes())
    assert any(f.code == "SER002" and "CP949" in f.message for f in report.findings)


def test_values_file_that_is_not_json_is_exit_3(tmp_path: Path) -> None:
    vfile = tmp_path / "v.json"
    vfile.write_text("{not json", encoding="utf-8")
    code, _, err = run("build", "machining", "--values", str(vfile), "--asset-id", ASSET, "-o",
                       str(tmp_path / "o.json"))
    assert code == 3 and len(err.strip().splitlines()) == 1


# ---- plain Python values --------------------------------------------------------------------------------------

def _property(built: Any, path: str) -> Any:
    sm_name, *rest = path.split(".")
    sm = next(s for s in built.submodels if s.id_short == sm_name)
    el = sm
    for part in rest:
        el = el.get_referable(part)
    return el.value


def test_python_values_of_a_factory_script() -> None:
    built = build_instance(SPEC, {**BASE, "ProcessData.CycleTime": decimal.Decimal("42.50"),
                                  "ProcessData.StartTime": datetime.datetime(2026, 3, 9, 8, 0, 35,
                                                                             tzinfo=datetime.UTC),
                                  "ProcessData.EndTime": datetime.datetime(2026, 3, 9, 8, 1, 17)},
                           asset_id=ASSET, timezone="+09:00")
    assert _property(built, "ProcessData.CycleTime") == 42.5
    assert _property(built, "ProcessData.StartTime").isoformat() == "2026-03-09T08:00:35+00:00"
    assert _property(built, "ProcessData.EndTime").isoformat() == "2026-03-09T08:01:17+09:00"


def test_numpy_and_pandas_scalars() -> None:
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    built = build_instance(SPEC, {**BASE, "ProcessData.CycleTime": np.float64(40.25),
                                  "ProcessData.CycleCounter": np.int64(1234),
                                  "ProcessData.StartTime": pd.Timestamp("2026-03-09 08:00:35", tz="Asia/Seoul"),
                                  "ProcessData.EndTime": pd.NaT, "ProcessData.SpindleSpeed": np.nan,
                                  "ProcessData.FeedRate": None, "ProcessData.OperatorId": ""},
                           asset_id=ASSET)
    assert _property(built, "ProcessData.CycleTime") == 40.25
    assert _property(built, "ProcessData.CycleCounter") == 1234
    assert _property(built, "ProcessData.StartTime").isoformat() == "2026-03-09T08:00:35+09:00"
    data = sm_children(built, "ProcessData")
    assert not {"EndTime", "SpindleSpeed", "FeedRate", "OperatorId"} & data  # absent, not errors
    flags = load_model("idta-pvm")
    del flags  # a boolean: np.bool_ is a bool
    from aas_refmodels.build.values import plain
    assert plain(np.bool_(True)) is True


def sm_children(built: Any, name: str) -> set[str]:
    sm = next(s for s in built.submodels if s.id_short == name)
    return {e.id_short for e in sm.submodel_element}


@pytest.mark.parametrize("empty", [None, "", float("nan")])
def test_empty_mandatory_values_are_reported_as_missing(empty: Any) -> None:
    problems = problems_of({NC: empty})
    assert problems[NC] == "missing mandatory Property (given as empty, None or NaN)"


def test_timestamps_without_zone_get_the_default_zone() -> None:
    built = build_instance(SPEC, {**BASE, "ProcessData.StartTime": "2026-03-09 08:00:35"}, asset_id=ASSET,
                           timezone="Asia/Seoul")
    assert _property(built, "ProcessData.StartTime").isoformat() == "2026-03-09T08:00:35+09:00"
    built = build_instance(SPEC, {**BASE, "ProcessData.StartTime": "2026-03-09T08:00"}, asset_id=ASSET,
                           timezone="UTC")
    assert _property(built, "ProcessData.StartTime").isoformat() == "2026-03-09T08:00:00+00:00"


def test_a_timestamp_in_another_form_says_which_form_is_expected() -> None:
    problems = problems_of({"ProcessData.StartTime": "09.03.2026 08:00"})
    assert "expected YYYY-MM-DDThh:mm:ss" in problems["ProcessData.StartTime"]
    with pytest.raises(ValuesError, match="unknown time zone"):
        build_instance(SPEC, asset_id=ASSET, timezone="Mars/Olympus")


def test_cli_timezone_option(tmp_path: Path) -> None:
    vfile = tmp_path / "v.json"
    vfile.write_text(json.dumps({**BASE, "ProcessData.StartTime": "2026-03-09 08:00:35"}), encoding="utf-8")
    target = tmp_path / "m.json"
    code, _, _ = run("build", "machining", "--values", str(vfile), "--asset-id", ASSET, "--timezone", "+09:00",
                     "-o", str(target))
    assert code == 0 and "2026-03-09T08:00:35+09:00" in target.read_text(encoding="utf-8")
    code, _, err = run("build", "machining", "--values", str(vfile), "--asset-id", ASSET, "--timezone", "KST9",
                       "-o", str(tmp_path / "x.json"))
    assert code == 2 and "unknown time zone" in err and not (tmp_path / "x.json").exists()


# ---- File sources ---------------------------------------------------------------------------------------------

def _source_values(source: str) -> dict[str, Any]:
    return _shell_values(**{"Nameplate.CompanyLogo": {"path": "/aasx/files/x.txt", "source": source,
                                                      "contentType": "text/plain"}})


def test_file_sources_outside_the_values_folder_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    inside = tmp_path / "job"
    inside.mkdir()
    (inside / "ok.txt").write_text("ok", encoding="utf-8")
    from aas_refmodels import build_shell

    for source in (str(secret), "../secret.txt"):
        with pytest.raises(ValuesError) as info:
            build_shell(load_model("machining"), values=_source_values(source), asset_id=ASSET,
                        attachments_dir=inside)
        assert "outside" in dict(info.value.problems)["Nameplate.CompanyLogo"]
    built = build_shell(load_model("machining"), values=_source_values(str(secret)), asset_id=ASSET,
                        attachments_dir=inside, allow_any_source=True)
    assert built.attachments["/aasx/files/x.txt"] == secret
    built = build_shell(load_model("machining"), values=_source_values("ok.txt"), asset_id=ASSET,
                        attachments_dir=inside)
    assert built.attachments["/aasx/files/x.txt"] == inside / "ok.txt"


def test_cli_file_sources(tmp_path: Path) -> None:
    job = tmp_path / "job"
    job.mkdir()
    vfile = job / "v.json"
    vfile.write_text(json.dumps(_source_values("/etc/hostname")), encoding="utf-8")
    target = tmp_path / "s.aasx"
    code, _, err = run("build", "--process", "machining", "--values", str(vfile), "--asset-id", ASSET,
                       "-o", str(target))
    assert code == 1 and "--allow-any-source" in err and not target.exists()
    att = tmp_path / "att"
    att.mkdir()
    (att / "x.txt").write_text("x", encoding="utf-8")
    vfile.write_text(json.dumps(_source_values("x.txt")), encoding="utf-8")
    code, _, err = run("build", "--process", "machining", "--values", str(vfile), "--asset-id", ASSET,
                       "--attachments-dir", str(att), "-o", str(target))
    assert code == 0, err


# ---- hypothesis: arbitrary text either builds into a valid file or is refused with a path ------------------------

def _schema_dir() -> Path | None:
    try:
        return official_schema_dir()
    except BaseException:  # pytest.fail/skip raise BaseException subclasses: run without the schema layer
        return None


TEXT = st.one_of(
    st.text(min_size=1, max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()), min_size=1,
            max_size=40),
    st.text(alphabet="가나다abc\U0001F321", min_size=1000, max_size=1100),
    st.sampled_from(["\x00", "\x0b", "\ud800", "\ufffe", "a\r\nb", "\t", " "]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nc=TEXT, description=TEXT, lang=st.sampled_from(["en", "ko", "ko-KR", "en-1", "x", "EN"]))
def test_arbitrary_text_builds_a_valid_file_or_is_refused_with_a_path(nc: str, description: str, lang: str) -> None:
    values = {**BASE, NC: nc, MLP: {lang: description}, "ProcessData.OperatorId": nc}
    try:
        built = build_instance(SPEC, values, asset_id=ASSET)
    except ValuesError as exc:
        assert exc.problems and all(path in (NC, MLP, "ProcessData.OperatorId") for path, _ in exc.problems)
        return
    for fmt in ("json", "xml"):
        data = serialize(built.objects(), fmt)  # type: ignore[arg-type]
        report = aas_refmodels.validate(data, schema_dir=_schema_dir())
        assert [str(f) for f in report.findings if f.severity.name == "ERROR"] == [], fmt


def test_numpy_arrays_and_pandas_series_fill_lists() -> None:
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    base = {k: v for k, v in BASE.items() if not k.startswith("ProcessData.PartIds[")}
    for items in (np.array(["SN-1", "SN-2"]), pd.Series(["SN-1", "SN-2"]), ("SN-1", "SN-2")):
        built = build_instance(SPEC, {**base, "ProcessData.PartIds": items}, asset_id=ASSET)
        sm = next(s for s in built.submodels if s.id_short == "ProcessData")
        assert [e.value for e in sm.get_referable("PartIds").value] == ["SN-1", "SN-2"]


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no FIFOs")
def test_a_fifo_as_values_file_or_thumbnail_does_not_hang(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "v.json"
    os.mkfifo(fifo)
    code, _, err = run("build", "machining", "--values", str(fifo), "--asset-id", ASSET, "-o",
                       str(tmp_path / "o.json"))
    assert code == 3 and "not a regular file" in err
    code, _, err = run("build", "--process", "press", "--example", "--thumbnail", str(fifo), "-o",
                       str(tmp_path / "o.aasx"))
    assert code == 3 and "not a regular file" in err


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.decimals(allow_nan=True, allow_infinity=True),
    st.datetimes(timezones=st.one_of(st.none(), st.just(datetime.UTC))), st.dates(),
    st.text(max_size=30), st.sampled_from(["1e400", "-0", "2026-03-09 08:00:35", "PT5S", "P", "NaN", "INF",
                                           "10000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "+5", " 7 "]),
)
TYPED = ["ProcessData.CycleTime", "ProcessData.CycleCounter", "ProcessData.StartTime", "ProcessData.EndTime",
         "ProcessData.ProducedQuantity", "ProcessParameters.Processes.Process[0].PlannedProcessTime",
         "ProcessData.ActiveToolNumber"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(TYPED), value=SCALARS)
def test_arbitrary_typed_values_build_a_valid_file_or_are_refused_with_a_path(path: str, value: Any) -> None:
    try:
        built = build_instance(SPEC, {**BASE, path: value}, asset_id=ASSET, timezone="UTC")
    except ValuesError as exc:
        assert [p for p, _ in exc.problems] == [path]
        return
    data = serialize(built.objects(), "json")
    report = aas_refmodels.validate(data, schema_dir=_schema_dir())
    assert [str(f) for f in report.findings if f.severity.name == "ERROR"] == [], (path, value)


@pytest.mark.parametrize(("value", "lexical"), [("0.00000001", "0.00000001"), (3.6e16, "36000000000000000"),
                                                ("1e5", "100000"), (decimal.Decimal("2.50"), "2.50")])
def test_decimals_are_written_without_exponent(value: Any, lexical: str) -> None:
    """basyx writes str(Decimal): 1E-8 is no xs:decimal lexical form (found by the property test above)."""
    built = build_instance(SPEC, {**BASE, "ProcessData.ProducedQuantity": value}, asset_id=ASSET)
    doc = json.loads(serialize(built.objects(), "json"))
    sm = next(s for s in doc["submodels"] if s["idShort"] == "ProcessData")
    assert next(e for e in sm["submodelElements"] if e["idShort"] == "ProducedQuantity")["value"] == lexical


@pytest.mark.parametrize("uri", ["http://datypic.com#frag1#frag2", "http://x.example#f% rag", "%zz", "a b"])
def test_any_uri_values_that_validators_reject_are_refused(uri: str) -> None:
    from aas_refmodels import build_shell

    with pytest.raises(ValuesError) as info:
        build_shell(load_model("machining"), values=_shell_values(**{"Nameplate.URIOfTheProduct": uri}),
                    asset_id=ASSET)
    assert "xs:anyURI" in dict(info.value.problems)["Nameplate.URIOfTheProduct"]
    built = build_shell(load_model("machining"), asset_id=ASSET,
                        values=_shell_values(**{"Nameplate.URIOfTheProduct": "https://공장.example.kr/제품/1"}))
    assert built.submodels
