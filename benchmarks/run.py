"""Benchmark ``aasref validate`` against aas-core and against the peer stack a user would script today.

    python -m benchmarks.run [--sizes 10000,100000,1000000] [--versions 3.0,3.1] [--formats json,xml,aasx]
                             [--repeat 3] [--schema-dir DIR] [--readme README.md]

Synthetic environments (``benchmarks/synth.py``) of each metamodel version, size and format (JSON, XML,
AASX with an XML part) are generated on the fly. Every operation runs in a fresh child process on the same
file, so peak memory is measured per operation: the process's peak RSS after the operation minus its current
RSS just before (after imports and after reading the file's bytes). The cyclic collector is left on in the
peers' processes (what a user's script gets):

  aascore          aas-core (3.0 / 3.1) parse + verify: ``environment_from_jsonable(json.loads(…))`` or
                   ``environment_from_str`` (for AASX after reading the part from the ZIP), then ``verify``
  basyx            basyx strict read (``failsafe=False``); 3.1 only (basyx-python-sdk 2.2.0 reads 3.1)
  schema           the official schema with the reference tools: jsonschema Draft 2019-09 over ``aas.json``
                   (timed at 500 elements only and extrapolated linearly: it takes minutes beyond) or lxml
                   over ``AAS.xsd``
  aasref           ``aasref validate`` with its default layers (package, schema, deserialize, metamodel,
                   template); the basyx compatibility check is opt-in and not part of it

The plain baseline is basyx + aascore + schema (the three tools a user would run for the same coverage).
Ratios are from the same run. Sizes of a million elements and more are run once (``--repeat`` applies below);
basyx is run up to ``--basyx-max`` elements and extrapolated linearly above (it grows faster than that).
``--readme FILE`` replaces the table between ``<!-- benchmark:start -->`` and ``<!-- benchmark:end -->``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .synth import document

ROOT = Path(__file__).resolve().parent.parent
OPS = ("aascore", "basyx", "schema", "aasref")
_SCHEMA_DIRS = {"3.0": "V3.0.9", "3.1": "V3.1.2"}
_OFFICIAL_SAMPLE = 500


def _rss_kb() -> int:
    """Peak resident set size of this process so far (KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _current_kb() -> int:
    """Current resident set size (KB), the baseline the operation's peak is measured from."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except OSError:
        return _rss_kb()


def _spec_part(data: bytes) -> bytes:
    import io
    import zipfile
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read("aasx/data.xml")


def child(op: str, path: str, fmt: str, version: str, schema_dir: str) -> dict:
    import gc
    import importlib
    import io
    data = Path(path).read_bytes()
    pkg = "aas_core3" if version == "3.0" else "aas_core3_1"
    if op == "aascore":
        jsonization = importlib.import_module(pkg + ".jsonization")
        xmlization = importlib.import_module(pkg + ".xmlization")
        verification = importlib.import_module(pkg + ".verification")
        if fmt == "json":  # warm like aasref: a tiny file of the same kind
            list(verification.verify(jsonization.environment_from_jsonable(json.loads(document(10, fmt, version)))))
        else:
            small = document(10, fmt, version)
            list(verification.verify(xmlization.environment_from_str(
                (_spec_part(small) if fmt == "aasx" else small).decode("utf-8"))))
    elif op == "basyx":
        from basyx.aas.adapter.json import read_aas_json_file
        from basyx.aas.adapter.xml import read_aas_xml_file
    elif op == "schema":
        if fmt == "json":
            import jsonschema
            official = json.loads((Path(schema_dir) / _SCHEMA_DIRS[version] / "aas.json").read_text())
            validator = jsonschema.Draft201909Validator(official)
        else:
            from lxml import etree
            xsd = etree.XMLSchema(etree.parse(str(Path(schema_dir) / _SCHEMA_DIRS[version] / "AAS.xsd")))
    elif op == "aasref":
        from aas_refmodels.validate import validate
        validate(document(10, fmt, version), schema_dir=schema_dir)  # warm imports and schemas like a batch worker
    gc.collect()
    base = _current_kb()
    extra: dict = {}
    c0 = time.process_time()
    t0 = time.perf_counter()
    if op == "aascore":
        if fmt == "json":
            env = jsonization.environment_from_jsonable(json.loads(data))
        else:
            env = xmlization.environment_from_str((_spec_part(data) if fmt == "aasx" else data).decode("utf-8"))
        errors = list(verification.verify(env))
        assert not errors, [str(e.cause) for e in errors[:3]]
    elif op == "basyx":
        if fmt == "json":
            read_aas_json_file(io.StringIO(data.decode("utf-8")), failsafe=False)
        else:
            read_aas_xml_file(io.BytesIO(_spec_part(data) if fmt == "aasx" else data), failsafe=False)
    elif op == "schema":
        if fmt == "json":
            assert validator.is_valid(json.loads(data))
        else:
            from lxml import etree
            tree = etree.fromstring(_spec_part(data) if fmt == "aasx" else data,
                                    etree.XMLParser(resolve_entities=False, no_network=True))
            assert xsd.validate(tree), xsd.error_log
    elif op == "aasref":
        report = validate(data, schema_dir=schema_dir)
        assert not report.errors, report.codes[:5]
        # JSON carries no version: a valid file without 3.1-only content is read as 3.1
        assert report.version == version or (fmt == "json" and "read as 3.1" in str(report.version_reason)), \
            report.version_reason
        extra = {lr.layer.value: round(lr.seconds, 3) for lr in report.layers if lr.seconds is not None}
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    return {"seconds": seconds, "cpu": cpu, "peak_mb": max(0, _rss_kb() - base) / 1024, "layers": extra}


def _run_child(op: str, path: str, fmt: str, version: str, schema_dir: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-m", "benchmarks.run", "--child", op, path, fmt, version,
                          "--schema-dir", schema_dir], capture_output=True, text=True, env=env, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"{op} {version} {fmt} failed: "
                         f"{out.stderr.strip().splitlines()[-1] if out.stderr else out.returncode}")
    return json.loads(out.stdout)


def _median(rs: list[dict]) -> dict:
    return {"seconds": statistics.median(r["seconds"] for r in rs),
            "cpu": statistics.median(r["cpu"] for r in rs),
            "peak_mb": statistics.median(r["peak_mb"] for r in rs),
            "layers": sorted(rs, key=lambda r: r["seconds"])[len(rs) // 2]["layers"]}


def measure(sizes: list[int], versions: list[str], formats: list[str], repeat: int,
            schema_dir: str, basyx_max: int = 100_000) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        official_rate: dict[str, tuple[float, float]] = {}
        for version in versions:
            if "json" in formats:  # the official JSON Schema with jsonschema: per-element rate at 500 elements
                path = os.path.join(tmp, f"sample-{version}.json")
                Path(path).write_bytes(document(_OFFICIAL_SAMPLE, "json", version))
                r = _run_child("schema", path, "json", version, schema_dir)
                official_rate[version] = (r["seconds"] / _OFFICIAL_SAMPLE, r["cpu"] / _OFFICIAL_SAMPLE)
                print(f"  {version} json schema at {_OFFICIAL_SAMPLE}: {r['seconds']:.1f} s", file=sys.stderr)
        for size in sizes:
            for version in versions:
                for fmt in formats:
                    path = os.path.join(tmp, f"env-{version}-{size}.{fmt}")
                    data = document(size, fmt, version)
                    Path(path).write_bytes(data)
                    ops = [op for op in OPS if not (op == "basyx" and (version == "3.0" or size > basyx_max))
                           and not (op == "schema" and fmt == "json")]
                    runs: dict[str, list[dict]] = {}
                    # interleaved repetitions (op1, op2, …, op1, op2, …): load from other jobs hits all alike
                    for _ in range(repeat if size < 1_000_000 else 1):
                        for op in ops:
                            runs.setdefault(op, []).append(_run_child(op, path, fmt, version, schema_dir))
                    result = {op: _median(rs) for op, rs in runs.items()}
                    if version == "3.1" and size > basyx_max:  # linear from the largest size measured
                        ref = max((r for r in rows if r["version"] == version and r["format"] == fmt
                                   and "basyx" in r["result"] and not r["result"]["basyx"].get("extrapolated")),
                                  key=lambda r: r["elements"])
                        k = size / ref["elements"]
                        result["basyx"] = {"seconds": ref["result"]["basyx"]["seconds"] * k,
                                           "cpu": ref["result"]["basyx"]["cpu"] * k, "peak_mb": None,
                                           "extrapolated": ref["elements"]}
                    if fmt == "json":
                        result["schema"] = {"seconds": official_rate[version][0] * size,
                                            "cpu": official_rate[version][1] * size, "peak_mb": None,
                                            "extrapolated": True}
                    for op, r in result.items():
                        print(f"  {version} {fmt:4} {size:>8} {op:8} {r['seconds']:8.2f} s {r['cpu']:8.2f} s CPU"
                              + (f" {r['peak_mb']:7.1f} MB" if r.get("peak_mb") is not None else ""),
                              file=sys.stderr)
                    rows.append({"version": version, "format": fmt, "elements": size, "bytes": len(data),
                                 "result": result})
                    os.unlink(path)
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| version | format | elements | file | aas-core parse+verify | basyx strict read | official schema "
             "| plain baseline (basyx + aas-core + schema) | **aasref validate** (default layers) "
             "| aasref / aas-core | aasref / aas-core peak memory | aasref / baseline |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        r = row["result"]
        core, ref, sch = r["aascore"], r["aasref"], r["schema"]
        bx = r.get("basyx")
        baseline = {k: core[k] + sch[k] + (bx[k] if bx else 0.0) for k in ("seconds", "cpu")}
        basyx_cell = (("~" if bx.get("extrapolated") else "") + f"{bx['cpu']:.2f} s"
                      + (f" (extrapolated from {bx['extrapolated']:,})" if bx.get("extrapolated") else "")
                      if bx else "n/a (3.1 only)")
        schema_cell = (f"~{sch['cpu']:.0f} s (jsonschema, extrapolated)" if sch.get("extrapolated")
                       else f"{sch['cpu']:.2f} s (XSD)")
        lines.append(
            f"| {row['version']} | {row['format'].upper()} | {row['elements']:,} | {row['bytes'] / 1e6:.1f} MB "
            f"| {core['cpu']:.2f} s, {core['peak_mb']:.0f} MB | {basyx_cell} "
            f"| {schema_cell} | {baseline['cpu']:.1f} s | {ref['cpu']:.2f} s, {ref['peak_mb']:.0f} MB "
            f"| **{ref['cpu'] / core['cpu']:.2f}×** (wall {ref['seconds'] / core['seconds']:.2f}×) "
            f"| {ref['peak_mb'] / max(core['peak_mb'], 0.1):.2f}× "
            f"| {ref['cpu'] / baseline['cpu']:.3f}× |")
    lines.append("")
    lines.append("Times are CPU seconds of the operation (user + system of its process), the median of the runs; "
                 "ratios are of CPU time, the wall-clock ratio is given beside. On a machine shared with other "
                 "jobs, wall time measures the load more than the code.")
    lines.append("")
    growth = []
    by_key = {(r["version"], r["format"], r["elements"]): r for r in rows}
    for (version, fmt, size), row in by_key.items():
        big = by_key.get((version, fmt, size * 10))
        if big:
            t_ref = big["result"]["aasref"]["cpu"] / row["result"]["aasref"]["cpu"]
            t_core = big["result"]["aascore"]["cpu"] / row["result"]["aascore"]["cpu"]
            growth.append(f"{version} {fmt.upper()} {size:,}→{size * 10:,}: aasref {t_ref:.1f}×, "
                          f"aas-core {t_core:.1f}×")
    if growth:
        lines.append("Growth of CPU time for 10× the elements: " + "; ".join(growth) + ".")
        lines.append("")
    lines.append("aasref layer times (wall): " + "; ".join(
        f"{r['version']} {r['format'].upper()} {r['elements']:,}: "
        + ", ".join(f"{k} {v:.2f} s" for k, v in r["result"]["aasref"]["layers"].items() if v)
        for r in rows) + ".")
    lines.append("")
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    lines.append(f"Run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, Python {platform.python_version()}, "
                 f"{os.cpu_count()} CPUs" + (f", load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
                                             if load else "") + ".")
    return "\n".join(lines)


def write_readme(path: Path, text: str, name: str = "benchmark") -> None:
    """Replace what stands between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` in the README."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    content = path.read_text(encoding="utf-8")
    i, j = content.index(start) + len(start), content.index(end)
    path.write_text(content[:i] + "\n" + text + "\n" + content[j:], encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--versions", default="3.0,3.1")
    ap.add_argument("--formats", default="json,xml,aasx")
    ap.add_argument("--repeat", type=int, default=3, help="interleaved repetitions per size below 1M (median)")
    ap.add_argument("--schema-dir", default=os.environ.get("AASREF_SCHEMA_DIR") or str(ROOT.parent / "shared" / "schemas"))
    ap.add_argument("--readme", type=Path, help="replace the benchmark table of this README")
    ap.add_argument("--basyx-max", type=int, default=100_000,
                    help="largest size read with basyx; above it basyx's time is extrapolated linearly (basyx "
                         "grows faster than linearly, so this favours the baseline)")
    ap.add_argument("--child", nargs=4, metavar=("OP", "FILE", "FORMAT", "VERSION"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child, args.schema_dir)))
        return
    rows = measure([int(s) for s in args.sizes.split(",")], args.versions.split(","), args.formats.split(","),
                   args.repeat, args.schema_dir, args.basyx_max)
    text = table(rows)
    print(text)
    if args.readme:
        write_readme(args.readme, text)


if __name__ == "__main__":
    main()
