"""Benchmark ``aasref ingest``: CSV rows (12 columns, injection moulding shots) -> AAS.

    python -m benchmarks.ingest [--sizes 10000,100000,1000000] [--records-sizes 10000,100000] [--markdown]

Every measurement runs in a fresh child process (time = the ingest call; peak memory = the child's peak RSS,
imports included). In the same run the plain baseline is measured: what a user scripts today, one
``build_instance`` + ``write`` (JSON file) per record, over the first ``--baseline-rows`` rows; ratios are
against it. Outputs are written to a temporary folder and deleted.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAP = ROOT / "examples" / "ingest" / "injection-molding.map.yaml"
HEADER = ["일시", "설비", "샷번호", "사이클타임(s)", "사출시간(s)", "계량시간(s)", "최대사출압력(MPa)", "수지온도(°C)",
          "쿠션량(mm)", "형체력(kN)", "생산수량", "불량수량", "판정"]  # 12 mapped columns + one ignored


def make_csv(path: Path, rows: int) -> None:
    rng = random.Random(rows)
    t = datetime.datetime(2026, 1, 1)
    with path.open("w", encoding="cp949", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(HEADER)
        for i in range(rows):
            cycle = round(rng.gauss(31.5, 0.4), 2)
            t += datetime.timedelta(seconds=cycle)
            ng = rng.random() < 0.04
            w.writerow([t.strftime("%Y-%m-%d %H:%M:%S"), "IMM-07", 2601000001 + i, cycle, round(rng.gauss(1.8, 0.05), 3),
                        round(rng.gauss(9.4, 0.2), 2), round(rng.gauss(64.2, 1.5), 1), round(rng.gauss(231, 1.2), 1),
                        round(rng.gauss(4.8, 0.15), 2), round(rng.gauss(2450, 20)), 2, 2 if ng else 0,
                        "NG" if ng else "OK"])


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(op: str, src: str, out_dir: str, rows: int) -> dict[str, float]:
    from aas_refmodels import load_model
    from aas_refmodels.ingest import load_mapping, open_table
    from aas_refmodels.ingest.pipeline import ingest

    spec = load_model("injection-molding")
    mapping = load_mapping(MAP, spec)
    out = Path(out_dir)
    if op == "baseline":
        from aas_refmodels import build_instance, write
        from aas_refmodels.ingest.pipeline import Checker

        checker = Checker(spec, mapping)
        t0, c0 = time.perf_counter(), time.process_time()
        n = 0
        with open_table(src) as table:
            for row in table.rows():
                record = checker.check(row)
                values = {**record.values, **json.loads(json.dumps(_example_recipe(), default=str))}  # type: ignore[union-attr]
                built = build_instance(spec, values, asset_id="https://plant.example.kr/asset/IMM-07",
                                       submodel_ids={"ProcessData": f"urn:pd:{n}", "ProcessParameters": f"urn:pp:{n}"})
                write(built.objects(), out / f"r{n}.json")
                n += 1
                if n >= rows:
                    break
        return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "records": n,
                "peak_mb": _peak_mb()}
    t0, c0 = time.perf_counter(), time.process_time()
    with open_table(src) as table:
        summary = ingest(spec, table.rows(), mapping, output=out / ("o.aasx"), as_=op,  # type: ignore[arg-type]
                         asset_id="https://plant.example.kr/asset/IMM-07", recipe=_example_recipe())
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    size = sum(p.stat().st_size for p in summary.outputs)
    return {"seconds": seconds, "cpu": cpu, "records": summary.written, "peak_mb": _peak_mb(), "mb": size / 1e6}


def _example_recipe() -> dict[str, object]:
    values = json.loads((ROOT / "examples" / "injection-molding" / "values.json").read_text(encoding="utf-8"))
    return {"ProcessParameters": values["ProcessParameters"]}


def measure(op: str, src: Path, rows: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="aasref-bench-") as out:
        proc = subprocess.run([sys.executable, "-m", "benchmarks.ingest", "--child", op, str(src), out, str(rows)],
                              cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{op} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000", help="rows for --as timeseries")
    ap.add_argument("--records-sizes", default="10000,100000", help="rows for --as records")
    ap.add_argument("--baseline-rows", type=int, default=200)
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--child", nargs=4, metavar=("OP", "SRC", "OUT", "ROWS"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        op, src, out, rows = args.child
        print(json.dumps(child(op, src, out, int(rows))))
        return
    sizes = sorted({int(s) for s in args.sizes.split(",") if s} | {int(s) for s in args.records_sizes.split(",") if s})
    with tempfile.TemporaryDirectory(prefix="aasref-bench-in-") as tmp:
        files = {}
        for n in sizes:
            files[n] = Path(tmp) / f"shots-{n}.csv"
            make_csv(files[n], n)
        base = measure("baseline", files[min(sizes)], args.baseline_rows)
        base_rate = base["records"] / base["seconds"]
        lines = []
        print(f"baseline (build_instance + write per record, {int(base['records'])} records): "
              f"{base_rate:.0f} records/s, peak {base['peak_mb']:.0f} MB", file=sys.stderr)
        results = []
        for op, wanted in (("timeseries", args.sizes), ("records", args.records_sizes)):
            for n in sorted(int(s) for s in wanted.split(",") if s):
                r = measure(op, files[n], n)
                rate = r["records"] / r["seconds"]
                results.append((op, n, r, rate))
                print(f"{op:<10} {n:>9,} rows: {r['seconds']:.1f} s (CPU {r['cpu']:.1f} s), {rate:,.0f} records/s "
                      f"({rate / base_rate:.0f}x baseline), peak {r['peak_mb']:.0f} MB, output {r['mb']:.1f} MB",
                      file=sys.stderr)
        lines.append("| output | rows | time (CPU) | records/s | × baseline | peak memory | output size |")
        lines.append("|---|---|---|---|---|---|---|")
        for op, n, r, rate in results:
            lines.append(f"| `--as {op}` | {n:,} | {r['seconds']:.1f} s ({r['cpu']:.1f} s) | {rate:,.0f} | "
                         f"{rate / base_rate:.0f}× | {r['peak_mb']:.0f} MB | {r['mb']:.1f} MB |")
        lines.append(f"| baseline: `build_instance` + `write` per record | {int(base['records'])} | "
                     f"{base['seconds']:.1f} s ({base['cpu']:.1f} s) | {base_rate:,.0f} | 1× | {base['peak_mb']:.0f} MB "
                     "| – |")
        print("\n".join(lines) if args.markdown else json.dumps(
            {"baseline": base, "runs": [{"op": o, "rows": n, **r} for o, n, r, _ in results]}, indent=2))


if __name__ == "__main__":
    main()
