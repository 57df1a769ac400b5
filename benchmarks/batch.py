"""Batch throughput and start-up of the ``aasref validate`` process (whole processes, as a CI job runs them).

    python -m benchmarks.batch [--files 1000] [--repeat 3] [--schema-dir DIR]

Builds the examples (``examples/build_examples.py``: every process as AASX with a JSON part and as V3.0
JSON, plus the machining shell), copies them round-robin into a folder of ``--files`` files and times, in
interleaved repetitions, ``aasref validate FOLDER -q --jobs 1`` and ``--jobs 2`` (files/s, CPU per file of
the process and its workers) and the whole process ``aasref validate machining.aasx`` (start-up), beside the
plain baseline of the same run: the bare interpreter (``python -c pass``). Reported: medians, and the load
average of the machine before and after every batch run (the CPU per file is what the code controls; the
wall-clock throughput shows the free cores).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _run(argv: list[str], schema_dir: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its workers) of one process, started from ROOT."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               AASREF_SCHEMA_DIR=schema_dir)
    c0, t0 = _children_cpu(), time.perf_counter()
    out = subprocess.run([sys.executable, *argv], capture_output=True, text=True, env=env, cwd=ROOT)
    seconds, cpu = time.perf_counter() - t0, _children_cpu() - c0
    if out.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({out.returncode}): {out.stderr.strip()[-300:]}")
    return seconds, cpu


def _cli(args: list[str], schema_dir: str) -> tuple[float, float]:
    return _run(["-m", "aas_refmodels.cli", "validate", *args], schema_dir)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--schema-dir", default=os.environ.get("AASREF_SCHEMA_DIR") or str(ROOT.parent / "shared" / "schemas"))
    ap.add_argument("--readme", type=Path, help="replace this table in the README")
    args = ap.parse_args(argv)
    lines: list[str] = []

    def out(text: str = "") -> None:
        print(text)
        lines.append(text)
    sys.path.insert(0, str(ROOT / "examples"))
    import build_examples

    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    loads: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        built = sorted(build_examples.main(Path(tmp) / "built"))
        folder = Path(tmp) / "batch"
        folder.mkdir()
        for i in range(args.files):
            src = built[i % len(built)]
            shutil.copyfile(src, folder / f"{i:05d}-{src.name}")
        small = next(p for p in built if p.name == "machining.aasx")
        runs: dict[str, list[tuple[float, float]]] = {"jobs 1": [], "jobs 2": [], "one file": [], "python": []}
        for _ in range(args.repeat):
            for k in ("jobs 1", "jobs 2"):
                loads.append(os.getloadavg()[0])
                runs[k].append(_cli([str(folder), "-q", "--jobs", k[-1]], args.schema_dir))
                loads.append(os.getloadavg()[0])
            for _ in range(3):
                runs["one file"].append(_cli([str(small), "-q"], args.schema_dir))
                runs["python"].append(_run(["-c", "pass"], args.schema_dir))
    wall = {k: statistics.median(w for w, _c in v) for k, v in runs.items()}
    cpu = {k: statistics.median(c for _w, c in v) for k, v in runs.items()}
    out(f"| {args.files:,} built example files ({len(built)} distinct: AASX and V3.0 JSON) | wall | files/s "
        "| CPU per file (process + workers) |")
    out("|---|---|---|---|")
    for k in ("jobs 1", "jobs 2"):
        out(f"| `aasref validate FOLDER --{k}` | {wall[k]:.1f} s | {args.files / wall[k]:.0f} "
            f"| {cpu[k] / args.files * 1000:.1f} ms |")
    out(f"| `aasref validate machining.aasx` (one process, all layers incl. template conformance) "
        f"| {wall['one file']:.2f} s | | {cpu['one file']:.2f} s CPU |")
    out(f"| plain baseline: the bare interpreter (`python -c pass`) | {wall['python']:.2f} s | "
        f"| {cpu['python']:.2f} s CPU |")
    out()
    out(f"Throughput `--jobs 2` / `--jobs 1`: {wall['jobs 1'] / wall['jobs 2']:.2f}× measured (wall clock); CPU "
        f"per file `--jobs 2` / `--jobs 1`: {cpu['jobs 2'] / cpu['jobs 1']:.2f} (what the second process and "
        f"the pool add), so on two idle cores {2 * cpu['jobs 1'] / cpu['jobs 2']:.2f}× at most. Start-up: the "
        f"whole process on one small file takes {cpu['one file']:.2f} s CPU, {cpu['one file'] / cpu['python']:.0f}× "
        f"the bare interpreter's {cpu['python']:.3f} s. Medians of {args.repeat} interleaved runs "
        f"({len(runs['one file'])} for the single file); run {started}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, load average (1 min, counting this benchmark's own one or two processes) "
        f"{min(loads):.1f}-{max(loads):.1f} around the batch runs: above 2, other jobs took CPU and the wall "
        "clock shows that load more than the code.")
    if args.readme:
        from .run import write_readme
        write_readme(args.readme, "\n".join(lines), "benchmark-batch")


if __name__ == "__main__":
    main()
