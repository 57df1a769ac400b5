"""Benchmark ``aasref validate`` against the peer stack a user would script today.

    python -m benchmarks.run [--sizes 1000,10000,100000] [--repeat 3] [--schema-dir DIR] [--markdown]

Synthetic V3.1 environments (``benchmarks/synth.py``) are generated on the fly. Every operation runs in a
fresh child process on the same file, so peak memory is measured per operation: the process's peak RSS
after the operation minus its current RSS just before (after imports and after reading the file's bytes):

  json.load            the floor
  basyx strict read    ``read_aas_json_file(failsafe=False)``, collector on (what a user gets)
  aas-core verify      aas-core3.1 ``environment_from_jsonable`` + ``verification.verify``
  official schema      jsonschema Draft 2019-09 over the official aas.json; timed on the smallest size
                       only and extrapolated linearly (said so in the output): it takes minutes beyond
  aasref validate      every layer (schema, deserialize incl. a strict basyx read, metamodel, template)

Ratios are against the bare strict basyx read of the same file in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .synth import count_elements, json_bytes

ROOT = Path(__file__).resolve().parent.parent
OPS = ("json", "basyx", "aascore", "official-schema", "aasref")


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


def child(op: str, path: str, schema_dir: str) -> dict:
    data = Path(path).read_bytes()
    import gc
    import io
    if op == "basyx":
        from basyx.aas.adapter.json import read_aas_json_file
    elif op == "aascore":
        import aas_core3_1.jsonization as jsonization
        import aas_core3_1.verification as verification
    elif op == "official-schema":
        import jsonschema
        validator = jsonschema.Draft201909Validator(json.loads((Path(schema_dir) / "V3.1.2" / "aas.json").read_text()))
    elif op == "aasref":
        from aas_refmodels.validate import validate
        validate(b"{}", schema_dir=schema_dir)  # warm the schema cache like a batch would
    gc.collect()
    base = _current_kb()
    extra: dict = {}
    t0 = time.perf_counter()
    if op == "json":
        json.loads(data)
    elif op == "basyx":
        read_aas_json_file(io.StringIO(data.decode("utf-8")), failsafe=False)
    elif op == "aascore":
        errors = list(verification.verify(jsonization.environment_from_jsonable(json.loads(data))))
        assert not errors, errors[:3]
    elif op == "official-schema":
        assert validator.is_valid(json.loads(data))
    elif op == "aasref":
        report = validate(data, schema_dir=schema_dir)
        assert not report.errors, report.codes[:5]
        extra = {lr.layer.value: round(lr.seconds, 3) for lr in report.layers if lr.seconds is not None}
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "peak_mb": max(0, _rss_kb() - base) / 1024, "layers": extra}


def _run_child(op: str, path: str, schema_dir: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-m", "benchmarks.run", "--child", op, path, "--schema-dir", schema_dir],
                         capture_output=True, text=True, env=env, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"{op} failed: {out.stderr.strip().splitlines()[-1] if out.stderr else out.returncode}")
    return json.loads(out.stdout)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--repeat", type=int, default=3, help="interleaved repetitions per size (median)")
    ap.add_argument("--schema-dir", default=os.environ.get("AASREF_SCHEMA_DIR") or str(ROOT.parent / "shared" / "schemas"))
    ap.add_argument("--child", nargs=2, metavar=("OP", "FILE"), help=argparse.SUPPRESS)
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], args.schema_dir)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    official_rate = None
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            data = json_bytes(size)
            elements = count_elements(json.loads(data))
            path = os.path.join(tmp, f"env-{size}.json")
            Path(path).write_bytes(data)
            # interleaved repetitions (op1, op2, …, op1, op2, …) so that load from other jobs hits all alike
            runs: dict[str, list[dict]] = {}
            for _ in range(args.repeat):
                for op in OPS:
                    if op == "official-schema" and (size != min(sizes) or op in runs):
                        continue
                    runs.setdefault(op, []).append(_run_child(op, path, args.schema_dir))
            result: dict[str, dict] = {}
            for op, rs in runs.items():
                result[op] = {"seconds": statistics.median(r["seconds"] for r in rs),
                              "peak_mb": statistics.median(r["peak_mb"] for r in rs),
                              "layers": sorted(rs, key=lambda r: r["seconds"])[len(rs) // 2]["layers"]}
                print(f"  {size:>7} {op:<16} {result[op]['seconds']:8.2f} s  {result[op]['peak_mb']:7.1f} MB"
                      f"  (median of {len(rs)})", file=sys.stderr)
            if "official-schema" in result:
                official_rate = result["official-schema"]["seconds"] / elements
            rows.append((size, elements, len(data), result))
    lines = ["| elements | JSON | json.load | basyx strict read | aas-core parse+verify | official schema (jsonschema) "
             "| aasref validate (all layers) | aasref / basyx time | aasref / basyx peak memory |",
             "|---|---|---|---|---|---|---|---|---|"]
    for _size, elements, nbytes, r in rows:
        b = r["basyx"]
        off = r.get("official-schema")
        official = (f"{off['seconds']:.1f} s" if off else
                    f"~{official_rate * elements:.0f} s (extrapolated)" if official_rate else "n/a")
        lines.append(
            f"| {elements:,} | {nbytes / 1e6:.1f} MB | {r['json']['seconds']:.2f} s | {b['seconds']:.2f} s, "
            f"{b['peak_mb']:.0f} MB | {r['aascore']['seconds']:.2f} s, {r['aascore']['peak_mb']:.0f} MB | {official} "
            f"| {r['aasref']['seconds']:.2f} s, {r['aasref']['peak_mb']:.0f} MB | "
            f"{r['aasref']['seconds'] / b['seconds']:.2f}× | "
            f"{r['aasref']['peak_mb'] / max(b['peak_mb'], 0.1):.2f}× |")
    lines.append("")
    lines.append("aasref layer times: " + "; ".join(
        f"{e:,}: " + ", ".join(f"{k} {v:.2f} s" for k, v in r["aasref"]["layers"].items() if v)
        for _, e, _, r in rows))
    if len(rows) > 1:
        (e0, t0), (e1, t1) = (rows[0][1], rows[0][3]["aasref"]["seconds"]), (rows[-1][1],
                                                                            rows[-1][3]["aasref"]["seconds"])
        lines.append(f"growth of aasref time from {e0:,} to {e1:,} elements: {t1 / t0:.1f}× for {e1 / e0:.0f}× the size")
    if official_rate:
        lines.append(f"official-schema time is measured at {rows[0][1]:,} elements only and extrapolated linearly "
                     "(nesting depth is constant in these files; it grows exponentially with depth)")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
