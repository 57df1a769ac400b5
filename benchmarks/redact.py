"""Benchmark ``aasref redact`` and the disclosure gate against a plain strict read + write of the same file.

    python -m benchmarks.redact [--repeat 3] [--processes machining,injection-molding]

For every process: the complete example shell (``build_shell``, AASX) is written once; then, in the same run,
the median of ``--repeat`` timings of

  read + write     ``io.read`` (strict basyx) then ``io.aasx_bytes`` of the same objects (the baseline)
  redact public    ``redact_bytes(..., level="public")`` (read, classify, redact, re-read, write)
  gate             the disclosure profile alone (``validate(..., layers=["package", "deserialize", "profile"])``)

Ratios are against the baseline of the same file.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable


def _median(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    from aas_refmodels import validate
    from aas_refmodels.build import build_shell
    from aas_refmodels.io import read
    from aas_refmodels.io.writer import aasx_bytes
    from aas_refmodels.redact import redact_bytes
    from aas_refmodels.spec import load_model

    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--processes", default="machining,injection-molding,heat-treatment,welding")
    args = ap.parse_args()
    key = b"benchmark-key-0123456789"
    print("| process | AASX | read + write | redact public | gate (profile layer) | redact / baseline | gate / baseline |")
    print("|---|---|---|---|---|---|---|")
    for name in args.processes.split(","):
        data = aasx_bytes(build_shell(load_model(name)).objects(), attachments={})

        def baseline(data: bytes = data) -> None:
            rr = read(data)
            aasx_bytes(list(rr.store), attachments={p: c for p, (c, _) in rr.files.items()})

        t_base = _median(baseline, args.repeat)
        t_red = _median(lambda data=data: redact_bytes(data, level="public", key=key, fmt="aasx"), args.repeat)
        t_gate = _median(lambda data=data: validate.validate(data, profile="disclosure", policy={"level": "public"},
                                                              layers=["package", "deserialize", "profile"]),
                         args.repeat)
        print(f"| {name} | {len(data) / 1024:.0f} KB | {t_base:.2f} s | {t_red:.2f} s | {t_gate:.2f} s | "
              f"{t_red / t_base:.2f}x | {t_gate / t_base:.2f}x |")


if __name__ == "__main__":
    main()
