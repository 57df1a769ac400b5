"""Build side: ``build_instance`` + ``write`` of one reference model per record, in a loop (what ingestion does).

    python -m benchmarks.build [--model machining] [--records 200] [--repeat 5]

Per record: ``build_instance(spec, values)`` and ``write(built.objects(), file)`` as JSON, XML and AASX.
Baseline in the same run: the plain path a script would take with basyx, i.e. the ConceptDescriptions built
again for every record and basyx's ``write_aas_json_file(indent=2)`` for JSON. Reported: milliseconds per
record (minimum over ``--repeat`` loops, CPU and wall), and the bytes are checked to be identical.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="machining")
    ap.add_argument("--records", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--readme", type=Path, help="replace this table in the README")
    args = ap.parse_args(argv)
    lines: list[str] = []

    def out(text: str = "") -> None:
        print(text)
        lines.append(text)
    from basyx.aas import model
    from basyx.aas.adapter.json import write_aas_json_file
    from basyx.aas.util import traversal

    from aas_refmodels import build_instance, load_model, write
    from aas_refmodels.build import concepts
    from aas_refmodels.io import atomic

    spec = load_model(args.model)
    sample = build_instance(spec)
    elements = sum(1 for sm in sample.submodels for _ in traversal.walk_submodel(sm))

    def plain_json(target: Path) -> None:
        concepts._BUILT.clear()  # the ConceptDescriptions built again, as before the cache
        built = build_instance(spec)
        text = io.StringIO()
        write_aas_json_file(text, model.DictIdentifiableStore(built.objects()), indent=2, ensure_ascii=False)
        with atomic.atomic_path(target) as tmp:
            tmp.write_bytes(text.getvalue().encode("utf-8"))

    def ours(fmt: str):
        def run(target: Path) -> None:
            write(build_instance(spec).objects(), target.with_suffix("." + fmt))
        return run

    cases = {"plain basyx path, JSON": plain_json, "aasref JSON": ours("json"), "aasref XML": ours("xml"),
             "aasref AASX": ours("aasx")}
    best: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp) / "plain.json", Path(tmp) / "ours.json"
        plain_json(a)
        ours("json")(b)
        assert a.read_bytes() == b.read_bytes(), "the fast JSON writer must give basyx's bytes"
        for _ in range(args.repeat):
            for name, fn in cases.items():
                c0, t0 = time.process_time(), time.perf_counter()
                for i in range(args.records):
                    fn(Path(tmp) / f"r{i % 8}.json")
                cpu = (time.process_time() - c0) / args.records
                wall = (time.perf_counter() - t0) / args.records
                old = best.get(name, (float("inf"), float("inf")))
                best[name] = (min(old[0], cpu), min(old[1], wall))
    load = os.getloadavg()
    out(f"| {args.model}: {elements} elements, {len(sample.concept_descriptions)} ConceptDescriptions, "
          f"per record | CPU | wall | vs plain (CPU) |")
    out("|---|---|---|---|")
    base = best["plain basyx path, JSON"][0]
    for name, (cpu, wall) in best.items():
        out(f"| build_instance + write, {name} | {cpu * 1000:.1f} ms | {wall * 1000:.1f} ms | {base / cpu:.1f}× faster |"
              if name != "plain basyx path, JSON" else
              f"| build_instance + write, {name} | {cpu * 1000:.1f} ms | {wall * 1000:.1f} ms | 1× |")
    out()
    out(f"Minimum over {args.repeat} loops of {args.records} records; {os.cpu_count()} CPUs, "
          f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}.")

    if args.readme:
        from .run import write_readme
        write_readme(args.readme, "\n".join(lines), "benchmark-build")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
