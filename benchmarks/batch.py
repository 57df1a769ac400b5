"""Batch throughput and start-up of the ``aasref validate`` process (whole processes, as a CI job runs them).

    python -m benchmarks.batch [--files 1000] [--repeat 3] [--schema-dir DIR]

Builds the examples (``examples/build_examples.py``: every process as AASX with a JSON part and as V3.0
JSON, plus the machining shell), copies them round-robin into a folder of ``--files`` files and times
``aasref validate FOLDER -q --jobs 1`` and ``--jobs 2`` (files/s), and ``aasref validate`` of one small file.
Reported: the median of ``--repeat`` interleaved runs and the load average of the machine.
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


def _cli(args: list[str], schema_dir: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its workers)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               AASREF_SCHEMA_DIR=schema_dir)
    c0, t0 = _children_cpu(), time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "aas_refmodels.cli", "validate", *args], capture_output=True,
                         text=True, env=env, cwd=ROOT)
    seconds, cpu = time.perf_counter() - t0, _children_cpu() - c0
    if out.returncode not in (0, 1):
        raise SystemExit(f"aasref validate {' '.join(args)} failed ({out.returncode}): {out.stderr.strip()[-300:]}")
    return seconds, cpu


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

    with tempfile.TemporaryDirectory() as tmp:
        built = sorted(build_examples.main(Path(tmp) / "built"))
        folder = Path(tmp) / "batch"
        folder.mkdir()
        for i in range(args.files):
            src = built[i % len(built)]
            shutil.copyfile(src, folder / f"{i:05d}-{src.name}")
        small = next(p for p in built if p.name == "machining.aasx")
        runs: dict[str, list[tuple[float, float]]] = {"jobs 1": [], "jobs 2": [], "one file": []}
        for _ in range(args.repeat):
            runs["jobs 1"].append(_cli([str(folder), "-q", "--jobs", "1"], args.schema_dir))
            runs["jobs 2"].append(_cli([str(folder), "-q", "--jobs", "2"], args.schema_dir))
            for _ in range(3):
                runs["one file"].append(_cli([str(small), "-q"], args.schema_dir))
    wall = {k: statistics.median(w for w, _c in v) for k, v in runs.items()}
    cpu = {k: statistics.median(c for _w, c in v) for k, v in runs.items()}
    load = os.getloadavg()
    out(f"| {args.files:,} built example files ({len(built)} distinct: AASX and V3.0 JSON) | wall | files/s "
        "| CPU per file |")
    out("|---|---|---|---|")
    for k in ("jobs 1", "jobs 2"):
        out(f"| `aasref validate FOLDER --{k}` | {wall[k]:.1f} s | {args.files / wall[k]:.0f} "
            f"| {cpu[k] / args.files * 1000:.1f} ms |")
    out()
    out(f"Throughput `--jobs 2` / `--jobs 1`: {wall['jobs 1'] / wall['jobs 2']:.2f}× measured; CPU per file "
        f"`--jobs 2` / `--jobs 1`: {cpu['jobs 2'] / cpu['jobs 1']:.2f} (the work the second process adds), so on "
        f"two idle cores {2 * cpu['jobs 1'] / cpu['jobs 2']:.2f}× at most. Whole-process `aasref validate "
        f"machining.aasx` (all layers incl. template conformance): {wall['one file']:.2f} s wall, "
        f"{cpu['one file']:.2f} s CPU (median of {len(runs['one file'])}). {os.cpu_count()} CPUs, load average "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}.")
    if args.readme:
        from .run import write_readme
        write_readme(args.readme, "\n".join(lines), "benchmark-batch")


if __name__ == "__main__":
    main()
