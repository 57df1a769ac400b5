"""``aasref collect`` against a real OPC UA server (asyncua on loopback, companion NodeSets imported)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import aas_refmodels
from aas_refmodels.cli import main
from aas_refmodels.collect import units as U

from .opcua_server import EXPECTED_IMM, OPCUA_DIR, Machines, free_port, make_certificate, running_server

PP = "ProcessParameters.Processes.Process[0]"
STATIC = {f"{PP}.ProcessId": "IM-30", f"{PP}.ProcessName": "ECB-2614 RH/LH",
          f"{PP}.ProcessDescription": {"en": "Injection moulding of ECB-2614", "ko": "ECB-2614 사출성형"},
          f"{PP}.PlannedProcessTime": "PT35S"}
IMM_URI = "http://opcfoundation.org/UA/PlasticsRubber/IMM2MES/"


def _reference_or_skip() -> None:
    if not (OPCUA_DIR / "Opc.Ua.PlasticsRubber.IMM2MES.NodeSet2.xml").is_file():
        if os.environ.get("AASREF_REQUIRE_SCHEMAS") == "1":
            pytest.fail(f"OPC UA NodeSets not found in {OPCUA_DIR} (AASREF_REQUIRE_SCHEMAS=1)")
        pytest.skip(f"OPC UA NodeSets not found in {OPCUA_DIR} (../shared/reference is absent)")
    pytest.importorskip("asyncua")


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    import asyncio

    pytest.importorskip("asyncua")
    d = tmp_path_factory.mktemp("pki")
    server = asyncio.run(make_certificate(d, "server", "urn:aas-refmodels:test:server", server=True))
    client = asyncio.run(make_certificate(d, "client", "urn:aas-refmodels:test:client", server=False))
    return {"server_cert": server[0], "server_key": server[1], "cert": client[0], "key": client[1]}


@pytest.fixture(scope="module")
def imm(certs: dict[str, Path]) -> Iterator[Machines]:
    """Two IMM_MES_InterfaceType machines: IMM1 complete, IMM2 lacking nodes and stating a wrong unit.
    The server offers unsecured and Basic256Sha256 SignAndEncrypt sessions."""
    _reference_or_skip()
    with running_server(imm_count=2, secure=(certs["server_cert"], certs["server_key"])) as machines:
        yield machines


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def _values_file(tmp_path: Path) -> Path:
    p = tmp_path / "static.json"
    p.write_text(json.dumps(STATIC, ensure_ascii=False), encoding="utf-8")
    return p


def _stderr(result: Any) -> str:
    try:
        return str(result.stderr)
    except ValueError:
        return str(result.output)


# ----------------------------------------------------------------------------------------------------- library

def test_collect_reads_converted_values_and_builds_a_valid_instance(imm: Machines, schema_dir: Path,
                                                                   tmp_path: Path) -> None:
    r = aas_refmodels.collect(imm.url, "injection-molding", object=imm.imm[0], values=STATIC, event_timeout=5,
                              asset_id="https://plant.example.kr/asset/IMM1")
    for path, expected in EXPECTED_IMM.items():
        got = r.values.get(path)
        if isinstance(expected, float):
            assert got == pytest.approx(expected), path
        else:
            assert got == expected, path
    assert r.missing == [] and r.complete
    assert r.built is not None
    assert {sm.id_short for sm in r.built.submodels} == {"ProcessData", "ProcessParameters"}
    out = aas_refmodels.write(r.built.objects(), tmp_path / "imm1.aasx")
    report = aas_refmodels.validate(out, schema_dir=schema_dir)
    assert report.ok, [str(f) for f in report.findings]
    assert all(layer.status == "run" for layer in report.layers)  # package, schema, deserialize, metamodel, template
    rows = {row.path: row for row in r.rows}
    assert "converted ms -> s" in rows["ProcessData.InjectionUnits[0].InjectionTime"].detail
    assert "converted °F -> °C" in rows["ProcessData.TemperatureZones[0].ActualTemperature"].detail
    assert rows["ProcessData.CycleTime"].node.startswith("event ")      # a field of CycleParametersEventType
    assert rows["ProcessData.JobOrderNumber"].status == "not found"     # MachineTool namespace: not on this server
    assert "namespace not on the server" in rows["ProcessData.JobOrderNumber"].detail


def test_async_form_and_several_machines(imm: Machines) -> None:
    import asyncio

    from aas_refmodels.collect import CollectError, collect_all_async, collect_async

    results = asyncio.run(collect_all_async(imm.url, "injection-molding", values=STATIC, event_timeout=5,
                                            allow_missing=True, asset_id="https://plant.example.kr/line3"))
    assert [r.machine for r in results] == imm.imm
    assert [sm.id for r in results if r.built for sm in r.built.submodels if sm.id_short == "ProcessData"] == [
        "https://plant.example.kr/line3/1/sm/ProcessData", "https://plant.example.kr/line3/2/sm/ProcessData"]
    with pytest.raises(CollectError, match="2 machines"):
        asyncio.run(collect_async(imm.url, "injection-molding"))


def test_missing_nodes_and_unit_mismatch_are_reported(imm: Machines) -> None:
    r = aas_refmodels.collect(imm.url, "injection-molding", object=imm.imm[1], values=STATIC, event_timeout=5)
    rows = {row.path: row for row in r.rows}
    assert rows["ProcessData.InjectionUnits[0].DosingTime"].status == "not found"
    assert rows["ProcessData.InjectionUnits[0].DosingTime"].mandatory
    assert rows["ProcessData.TemperatureZones[0].ActualTemperature"].status == "not found"
    speed = rows["ProcessData.InjectionUnits[0].InjectionSpeedMaximum"]
    assert speed.status == "type mismatch" and "not convertible" in speed.detail
    assert "ProcessData.InjectionUnits[0].InjectionSpeedMaximum" not in r.values
    assert "ProcessData.InjectionUnits[0].DosingTime" in r.missing
    assert r.built is None                       # mandatory values missing: nothing to write


def test_allow_missing_writes_what_the_server_has(imm: Machines, schema_dir: Path) -> None:
    r = aas_refmodels.collect(imm.url, "injection-molding", object=imm.imm[1], values=STATIC, event_timeout=5,
                              allow_missing=True)
    assert r.built is not None and r.missing
    report = aas_refmodels.validate(r.built.objects(), schema_dir=schema_dir)
    # structurally valid; the template layer names exactly the mandatory elements the machine lacks
    assert {f.code for f in report.findings} == {"TPL001"}


# ----------------------------------------------------------------------------------------------------- CLI

def test_cli_collect_writes_a_valid_aasx(imm: Machines, runner: CliRunner, tmp_path: Path, schema_dir: Path) -> None:
    out = tmp_path / "imm1.aasx"
    res = runner.invoke(main, ["collect", imm.url, "--model", "injection-molding", "--object", "Objects/IMM1",
                               "--asset-id", "https://plant.example.kr/asset/IMM1", "--values",
                               str(_values_file(tmp_path)), "--event-timeout", "5s", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.is_file()
    report = aas_refmodels.validate(out, schema_dir=schema_dir)
    assert report.ok, [str(f) for f in report.findings]


def test_cli_report_table_and_exit_1_for_missing(imm: Machines, runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "imm2.aasx"
    res = runner.invoke(main, ["collect", imm.url, "--model", "injection-molding", "--object", imm.imm[1],
                               "--report", "--event-timeout", "5s", "-o", str(out)])
    assert res.exit_code == 1
    assert not out.exists()
    table = res.stdout
    assert "* ProcessData.InjectionUnits[0].DosingTime" in table
    line = next(x for x in table.splitlines() if "InjectionSpeedMaximum" in x)
    assert "type mismatch" in line
    assert "error: Objects" not in table
    assert "DosingTime: mandatory element has no value" in _stderr(res)

    res = runner.invoke(main, ["collect", imm.url, "--model", "injection-molding", "--object", imm.imm[1],
                               "--allow-missing", "--event-timeout", "5s", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.is_file()


def test_cli_report_json(imm: Machines, runner: CliRunner) -> None:
    res = runner.invoke(main, ["collect", imm.url, "--model", "injection-molding", "--object", imm.imm[0],
                               "--report", "--report-format", "json", "--event-timeout", "0"])
    assert res.exit_code == 1  # event fields not awaited -> CycleCounter etc. missing
    data = json.loads(res.stdout.splitlines()[0])
    statuses = {row["path"]: row["status"] for row in data["rows"]}
    assert statuses["ProcessData.InjectionUnits[0].InjectionTime"] == "found"
    assert statuses["ProcessData.CycleCounter"] == "not found"


def test_cli_all_machines_one_file_each(imm: Machines, runner: CliRunner, tmp_path: Path) -> None:
    res = runner.invoke(main, ["collect", imm.url, "--model", "injection-molding", "--all-machines",
                               "--values", str(_values_file(tmp_path)), "--event-timeout", "5s",
                               "-o", str(tmp_path / "out")])
    assert res.exit_code == 1                   # IMM2 lacks mandatory nodes ...
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["IMM1.aasx"]   # ... IMM1 is written
    res = runner.invoke(main, ["collect", imm.url, "--model", "injection-molding", "-o", str(tmp_path / "x.aasx")])
    assert res.exit_code == 3 and "--all-machines" in _stderr(res)


def test_cli_wrong_type_object(imm: Machines, runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "x.aasx"
    res = runner.invoke(main, ["collect", imm.url, "--model", "injection-molding", "--object", imm.other, "-o", str(out)])
    assert res.exit_code == 3
    assert "is not" in _stderr(res) and len(_stderr(res).strip().splitlines()) == 1
    assert not out.exists()
    res = runner.invoke(main, ["collect", imm.url, "--model", "machining", "-o", str(out)])
    assert res.exit_code == 3 and "MachineTool" in _stderr(res)
    assert not out.exists()
    for obj in ("ns=5;s=NoSuchMachine", "Objects/NoSuchMachine"):  # browse errors: one line, exit 3
        res = runner.invoke(main, ["collect", imm.url, "--model", "injection-molding", "--object", obj,
                                   "-o", str(out)])
        assert res.exit_code == 3 and len(_stderr(res).strip().splitlines()) == 1, (obj, res.output)
        assert not out.exists()


def test_cli_polling_into_time_series(imm: Machines, runner: CliRunner, tmp_path: Path, schema_dir: Path) -> None:
    out = tmp_path / "poll.aasx"
    res = runner.invoke(main, ["collect", imm.url, "--model", "injection-molding", "--object", imm.imm[0],
                               "--values", str(_values_file(tmp_path)), "--event-timeout", "5s",
                               "--every", "50ms", "--count", "6", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "6 records" in res.output
    report = aas_refmodels.validate(out, schema_dir=schema_dir)
    assert report.ok, [str(f) for f in report.findings]
    env = aas_refmodels.read(out).store
    ts = next(o for o in env if getattr(o, "id_short", "") == "TimeSeries")
    segment = ts.get_referable("Segments").get_referable("InternalSegment01")
    records = list(segment.get_referable("Records").value)
    assert len(records) == 6
    first = {e.id_short: e.value for e in records[0].value}
    assert float(first["InjectionTime"]) == pytest.approx(1.25)


def test_cli_polling_until(imm: Machines, runner: CliRunner, tmp_path: Path) -> None:
    import datetime

    until = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=3)).isoformat()
    out = tmp_path / "until.json"
    res = runner.invoke(main, ["collect", imm.url, "--model", "injection-molding", "--object", imm.imm[0],
                               "--values", str(_values_file(tmp_path)), "--event-timeout", "5s",
                               "--every", "100ms", "--until", until, "-o", str(out)])
    assert res.exit_code == 0, res.output
    records = int(res.output.split("(", 1)[1].split(" records")[0])
    assert 1 <= records <= 31
    assert json.loads(out.read_text(encoding="utf-8"))["submodels"]


def test_cli_one_record_per_cycle_event(imm: Machines, runner: CliRunner, tmp_path: Path,
                                        schema_dir: Path) -> None:
    out = tmp_path / "cycles.aasx"
    res = runner.invoke(main, ["collect", imm.url, "--model", "injection-molding", "--object", imm.imm[0],
                               "--values", str(_values_file(tmp_path)), "--event-timeout", "5s",
                               "--on-event", "--count", "3", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "3 records" in res.output and "events queued" in res.output
    assert aas_refmodels.validate(out, schema_dir=schema_dir).ok
    env = aas_refmodels.read(out).store
    ts = next(o for o in env if getattr(o, "id_short", "") == "TimeSeries")
    records = list(ts.get_referable("Segments").get_referable("InternalSegment01").get_referable("Records").value)
    assert len(records) == 3
    counters = []
    for record in records:  # event fields (converted ms -> s) next to the variables read at the event
        fields = {e.id_short: e.value for e in record.value}
        assert float(fields["CycleTime"]) == pytest.approx(35.2)
        assert int(fields["CycleCounter"]) == 1842
        assert float(fields["InjectionTime"]) == pytest.approx(1.25)
        counters.append(int(fields["MachineCycleCounter"]))
    assert counters == sorted(set(counters))  # three different cycles, in order


def test_library_poll(imm: Machines) -> None:
    from aas_refmodels.collect import poll

    seen: list[int] = []
    polled = poll(imm.url, "injection-molding", object=imm.imm[0], every=0.02, count=4, values=STATIC,
                  event_timeout=5, on_record=lambda n, ts, rec: seen.append(len(rec)))
    try:
        assert polled.records == 4 and len(seen) == 4 and seen[0] == len(polled.variables)
        assert "ProcessData.TemperatureZones[2].ActualTemperature" in polled.variables
        assert polled.series.record_count == 4
    finally:
        polled.close()


def test_dead_port_fails_fast(runner: CliRunner, tmp_path: Path) -> None:
    pytest.importorskip("asyncua")
    out = tmp_path / "x.aasx"
    t0 = time.perf_counter()
    res = runner.invoke(main, ["collect", f"opc.tcp://127.0.0.1:{free_port()}", "--model", "injection-molding",
                               "-o", str(out)])
    elapsed = time.perf_counter() - t0
    assert res.exit_code == 3
    assert _stderr(res).strip().startswith("error: cannot connect to opc.tcp://127.0.0.1:")
    assert len(_stderr(res).strip().splitlines()) == 1
    assert not out.exists()
    assert elapsed < 5  # connection refused is reported at once, not after a long timeout


def test_silent_server_times_out(runner: CliRunner, tmp_path: Path) -> None:
    """A port that accepts TCP but never answers the OPC UA Hello: the --timeout ends it, exit 3."""
    import socket

    pytest.importorskip("asyncua")
    out = tmp_path / "x.aasx"
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        t0 = time.perf_counter()
        res = runner.invoke(main, ["collect", f"opc.tcp://127.0.0.1:{port}", "--model", "injection-molding",
                                   "--timeout", "1s", "-o", str(out)])
        elapsed = time.perf_counter() - t0
    assert res.exit_code == 3, res.output
    assert "timed out" in _stderr(res) and len(_stderr(res).strip().splitlines()) == 1
    assert elapsed < 4 and not out.exists()


def test_secrets_never_appear(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("asyncua")
    monkeypatch.setenv("AASREF_OPCUA_PASSWORD", "s3cret-pw")
    port = free_port()
    res = runner.invoke(main, ["collect", f"opc.tcp://mes:hunter2@127.0.0.1:{port}", "--model", "injection-molding",
                               "--username", "mes", "-o", str(tmp_path / "x.aasx")])
    assert res.exit_code == 3
    assert "hunter2" not in res.output and "s3cret-pw" not in res.output
    assert "hunter2" not in _stderr(res) and "s3cret-pw" not in _stderr(res)


def test_username_password_session(imm: Machines, runner: CliRunner, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "pw.txt"
    secret.write_text("s3cret-pw\n", encoding="utf-8")
    res = runner.invoke(main, ["collect", imm.url, "--model", "injection-molding", "--object", imm.imm[0],
                               "--username", "mes", "--password-file", str(secret), "--report", "--event-timeout", "0"])
    assert res.exit_code == 1  # connected and resolved (event fields not awaited)
    assert "s3cret-pw" not in res.output and "s3cret-pw" not in _stderr(res)
    assert "InjectionTime" in res.stdout


def test_bad_certificate_is_could_not_run(imm: Machines, runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "client.pem"
    bad.write_text("not a certificate", encoding="utf-8")
    out = tmp_path / "x.aasx"
    res = runner.invoke(main, ["collect", imm.url, "--model", "injection-molding", "--security",
                               "Basic256Sha256,SignAndEncrypt", "--cert", str(bad), "--key", str(bad), "-o", str(out)])
    assert res.exit_code == 3
    assert len(_stderr(res).strip().splitlines()) == 1 and "Traceback" not in res.output
    assert not out.exists()


def test_signed_and_encrypted_session(imm: Machines, certs: dict[str, Path], runner: CliRunner, tmp_path: Path,
                                      schema_dir: Path) -> None:
    out = tmp_path / "secure.aasx"
    secure = ["--security", "Basic256Sha256,SignAndEncrypt", "--cert", str(certs["cert"]), "--key", str(certs["key"])]
    res = runner.invoke(main, ["collect", imm.url, "--model", "injection-molding", "--object", imm.imm[0],
                               "--values", str(_values_file(tmp_path)), "--event-timeout", "5s", *secure,
                               "--server-cert", str(certs["server_cert"]), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert aas_refmodels.validate(out, schema_dir=schema_dir).ok
    # a key that does not belong to the certificate: the session cannot be secured
    wrong = ["--security", "Basic256Sha256,SignAndEncrypt", "--cert", str(certs["cert"]),
             "--key", str(certs["server_key"])]
    bad = tmp_path / "bad.aasx"
    res = runner.invoke(main, ["collect", imm.url, "--model", "injection-molding", "--object", imm.imm[0],
                               "--timeout", "2s", *wrong, "-o", str(bad)])
    assert res.exit_code == 3 and "cannot connect" in _stderr(res), res.output
    assert not bad.exists()


def test_usage_errors(runner: CliRunner) -> None:
    for args in (["http://x", "--model", "injection-molding", "-o", "x.aasx"],
                 ["opc.tcp://x:1", "--model", "injection-molding"],
                 ["opc.tcp://x:1", "--model", "injection-molding", "--every", "5s", "-o", "x.aasx"],
                 ["opc.tcp://x:1", "--model", "injection-molding", "--count", "3", "-o", "x.aasx"],
                 ["opc.tcp://x:1", "--model", "injection-molding", "--every", "fast", "--count", "3", "-o", "x"],
                 ["opc.tcp://x:1", "--model", "injection-molding", "--every", "1s", "--on-event", "--count", "3",
                  "-o", "x"],
                 ["opc.tcp://x:1", "--model", "injection-molding", "--on-event", "-o", "x"]):
        assert runner.invoke(main, ["collect", *args]).exit_code == 2, args


# ----------------------------------------------------------------------------------------------------- units

@given(st.sampled_from(sorted(U.UNECE_UNITS)))
def test_unit_id_round_trip(code: str) -> None:
    assert U.unece_code(U.unit_id(code)) == code


_SAME_DIMENSION = [("SEC", "C26"), ("MIN", "HUR"), ("MMT", "CMT"), ("BAR", "MPA"), ("CEL", "FAH"), ("KWT", "WTT"),
                   ("RPM", "RPS"), ("H81", "2X"), ("CMQ", "MMQ")]


@given(st.sampled_from(_SAME_DIMENSION), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_conversion_round_trips(pair: tuple[str, str], value: float) -> None:
    pytest.importorskip("pint")
    a, b = (U.SourceUnit(c, c) for c in pair)
    there = U.convert(value, a, U.UNECE_UNITS[pair[1]])
    back = U.convert(there, b, U.UNECE_UNITS[pair[0]])
    assert back == pytest.approx(value, rel=1e-9, abs=1e-6)


def test_unece_table_agrees_with_the_opc_foundation_csv() -> None:
    import csv

    if not (OPCUA_DIR / "UNECE_to_OPCUA.csv").is_file():
        _reference_or_skip()
    with open(OPCUA_DIR / "UNECE_to_OPCUA.csv", encoding="utf-8-sig") as f:
        table = {r["UNECECode"]: (int(r["UnitId"]), r["DisplayName"]) for r in csv.DictReader(f)}
    for code, expr in U.UNECE_UNITS.items():
        assert code in table, code
        uid, display = table[code]
        assert U.unit_id(code) == uid
        ours, theirs = U.parse(expr), U.parse(display)
        if theirs is not None:  # e.g. "Ω" is not a pint spelling
            assert U.convert(1.0, U.SourceUnit(display), expr) == pytest.approx(1.0), (code, display, expr)
        assert ours is not None, code


@pytest.mark.parametrize(("value", "code", "target", "expected"), [
    (1500.0, "C26", "s", 1.5), (0.52, "CMT", "mm", 5.2), (98.5, "MPA", "bar", 985.0), (212.0, "FAH", "°C", 100.0),
    (120.0, "RPM", "1/min", 120.0), (3.0, "KWT", "W", 3000.0), (2.0, "CEL", "K", 2.0), (1.0, "HUR", "s", 3600.0),
])
def test_convert(value: float, code: str, target: str, expected: float) -> None:
    pytest.importorskip("pint")
    assert U.convert(value, U.SourceUnit(code, code), target) == pytest.approx(expected)


def test_convert_refuses_other_dimensions() -> None:
    pytest.importorskip("pint")
    with pytest.raises(U.UnitMismatch):
        U.convert(1.0, U.SourceUnit("s", "SEC"), "mm/s")
    assert U.convert(5.0, None, "mm") == 5.0                      # the server states no unit
    assert U.convert(5.0, U.SourceUnit("mm", "MMT"), None) == 5.0  # the element has none


def test_aasref_starts_without_importing_asyncua() -> None:
    import subprocess
    import sys

    code = ("import sys, aas_refmodels.cli, aas_refmodels; aas_refmodels.collect; "
            "print('asyncua' in sys.modules, 'pint' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent, env={**os.environ, "PYTHONPATH": str(
                             Path(__file__).resolve().parent.parent)} if os.environ.get("AASREF_TEST_INSTALLED") != "1"
                         else None)
    assert out.stdout.split() == ["False", "False"]


def test_placeholder_browse_names_match_instances() -> None:
    pytest.importorskip("asyncua")
    from aas_refmodels.collect._browse import placeholder

    unit = placeholder("InjectionUnit_<Nr>")
    assert unit is not None and unit.fullmatch("InjectionUnit_2") and not unit.fullmatch("Moulds")
    assert placeholder("ToolLife") is None


def test_without_asyncua_one_line_exit_3(tmp_path: Path) -> None:
    """Without the opcua extra: a clear one-line error naming the extra, exit 3."""
    import subprocess
    import sys

    fake = tmp_path / "site" / "asyncua"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('No module named asyncua')\n", encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    paths = [str(tmp_path / "site")] + ([] if os.environ.get("AASREF_TEST_INSTALLED") == "1" else [str(root)])
    out = subprocess.run([sys.executable, "-m", "aas_refmodels.cli", "collect", "opc.tcp://127.0.0.1:4840",
                          "--model", "injection-molding", "-o", str(tmp_path / "x.aasx")],
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)})
    assert out.returncode == 3
    assert out.stderr.strip() == "error: OPC UA support is not installed: pip install 'aas-refmodels[opcua]'"
    assert not (tmp_path / "x.aasx").exists()


def test_connection_lost_while_reading_is_could_not_run() -> None:
    """A server that goes away during browsing or polling: CollectError (exit 3), with the URL and no password."""
    pytest.importorskip("asyncua")
    from asyncua import ua

    from aas_refmodels.collect import CollectError, server_errors

    for exc in (ConnectionError("Connection is closed"), TimeoutError(), ua.UaStatusCodeError(0x80340000)):
        with pytest.raises(CollectError, match=r"^opc\.tcp://127\.0\.0\.1:4840: ") as info, \
                server_errors("opc.tcp://mes:pw@127.0.0.1:4840"):
            raise exc
        assert "pw" not in str(info.value)
    with pytest.raises(KeyError), server_errors("opc.tcp://127.0.0.1:4840"):  # our own bugs stay visible
        raise KeyError("x")
