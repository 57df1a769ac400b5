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
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _cli(args: list[str], schema_dir: str) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               AASREF_SCHEMA_DIR=schema_dir)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "aas_refmodels.cli", "validate", *args], capture_output=True,
                         text=True, env=env, cwd=ROOT)
    seconds = time.perf_counter() - t0
    if out.returncode not in (0, 1):
        raise SystemExit(f"aasref validate {' '.join(args)} failed ({out.returncode}): {out.stderr.strip()[-300:]}")
    return seconds


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--schema-dir", default=os.environ.get("AASREF_SCHEMA_DIR") or str(ROOT.parent / "shared" / "schemas"))
    args = ap.parse_args(argv)
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
        runs: dict[str, list[float]] = {"jobs 1": [], "jobs 2": [], "one file": []}
        for _ in range(args.repeat):
            runs["jobs 1"].append(_cli([str(folder), "-q", "--jobs", "1"], args.schema_dir))
            runs["jobs 2"].append(_cli([str(folder), "-q", "--jobs", "2"], args.schema_dir))
            for _ in range(3):
                runs["one file"].append(_cli([str(small), "-q"], args.schema_dir))
    med = {k: statistics.median(v) for k, v in runs.items()}
    load = os.getloadavg()
    print(f"| {args.files:,} built example files ({len(built)} distinct: AASX and V3.0 JSON) | files/s |")
    print("|---|---|")
    for k in ("jobs 1", "jobs 2"):
        print(f"| `aasref validate FOLDER --{k}` ({med[k]:.1f} s) | {args.files / med[k]:.0f} |")
    print()
    print(f"--jobs 2 / --jobs 1 throughput: {med['jobs 1'] / med['jobs 2']:.2f}×; whole-process "
          f"`aasref validate machining.aasx`: {med['one file']:.2f} s (median of {len(runs['one file'])}); "
          f"{os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}.")


if __name__ == "__main__":
    main()
