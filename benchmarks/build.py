"""Build side: ``build_instance`` + ``write`` of one reference model per record, in a loop (what ingestion does).

    python -m benchmarks.build [--model machining] [--records 200] [--repeat 5]

Per record: ``build_instance(spec, values)`` (the model's example values as one flat record) and
``write(built.objects(), file)`` as JSON, XML and AASX, and the two halves alone (``build_instance``; ``write`` of one built model). Baseline in the same run, per format: the
plain path a script would take with basyx, i.e. the per-spec caches cleared for every record (ConceptDescriptions
and the semantic IDs / names of every element built again) and basyx's own writers (``write_aas_json_file(indent=2)``,
``write_aas_xml_file(pretty_print=True)``, ``AASXWriter``), each written atomically like ours. Reported:
milliseconds per record (minimum over ``--repeat`` interleaved loops, CPU and wall); the bytes of the JSON and XML
are checked to be identical to basyx's.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable
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
    import pyecma376_2
    from basyx.aas import model
    from basyx.aas.adapter import aasx
    from basyx.aas.adapter.json import write_aas_json_file
    from basyx.aas.adapter.xml import write_aas_xml_file
    from basyx.aas.util import traversal

    from aas_refmodels import build_instance, load_model, write
    from aas_refmodels.build import builder, concepts
    from aas_refmodels.build.values import example_values
    from aas_refmodels.io import atomic, writer

    spec = load_model(args.model)
    values = example_values(spec)  # one record's values, keyed by idShort path (what records mode passes)
    sample = build_instance(spec, values)
    elements = sum(1 for sm in sample.submodels for _ in traversal.walk_submodel(sm))

    def plain_build() -> list[model.Identifiable]:
        concepts._BUILT.clear()  # the ConceptDescriptions built again, as before the caches
        builder._STATICS.clear()  # and each element's semantic IDs and names
        return build_instance(spec, values).objects()

    def plain_bytes(fmt: str, objects: list[model.Identifiable]) -> bytes:
        store = model.DictIdentifiableStore(objects)
        if fmt == "json":
            text = io.StringIO()
            write_aas_json_file(text, store, indent=2, ensure_ascii=False)
            return text.getvalue().encode("utf-8")
        buf = io.BytesIO()
        if fmt == "xml":
            write_aas_xml_file(buf, store, pretty_print=True)
            return writer._drop_empty_blob_values(buf.getvalue())
        with aasx.AASXWriter(buf) as w:
            w.write_all_aas_objects("/aasx/data.json", store, aasx.DictSupplementaryFileContainer(),
                                    write_json=True)
            props = pyecma376_2.OPCCoreProperties()
            props.creator = "aas-refmodels"
            props.created = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
            w.write_core_properties(props)
        return buf.getvalue()

    def plain(fmt: str) -> Callable[[Path], None]:
        def run(target: Path) -> None:
            atomic.atomic_write_bytes(target.with_suffix("." + fmt), plain_bytes(fmt, plain_build()))
        return run

    def ours(fmt: str) -> Callable[[Path], None]:
        def run(target: Path) -> None:
            write(build_instance(spec, values).objects(), target.with_suffix("." + fmt))
        return run

    def write_only(fmt: str) -> Callable[[Path], None]:
        objects = build_instance(spec, values).objects()

        def run(target: Path) -> None:
            write(objects, target.with_suffix("." + fmt))
        return run

    def build_only(_target: Path) -> None:
        build_instance(spec, values)

    cases: dict[str, tuple[Callable[[Path], None], str | None]] = {}
    for fmt in ("json", "xml", "aasx"):
        cases[f"build_instance + write, plain basyx path, {fmt.upper()}"] = (plain(fmt), None)
        cases[f"build_instance + write, aasref {fmt.upper()}"] = (
            ours(fmt), f"build_instance + write, plain basyx path, {fmt.upper()}")
    cases["build_instance alone, plain (caches cleared)"] = (lambda _t: plain_build() and None, None)
    cases["build_instance alone, aasref"] = (build_only, "build_instance alone, plain (caches cleared)")
    for fmt in ("json", "xml", "aasx"):
        cases[f"write alone, aasref {fmt.upper()}"] = (write_only(fmt), None)
    best: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("json", "xml"):
            a, b = Path(tmp) / f"plain.{fmt}", Path(tmp) / f"ours.{fmt}"
            plain(fmt)(a)
            ours(fmt)(b)
            assert a.read_bytes() == b.read_bytes(), f"the fast {fmt} writer must give basyx's bytes"
        for _ in range(args.repeat):
            for name, (fn, _base) in cases.items():
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
    for name, (cpu, wall) in best.items():
        base = cases[name][1]
        ratio = "" if base is None and "plain" not in name else "1×" if base is None else \
            f"{best[base][0] / cpu:.1f}× faster"
        out(f"| {name} | {cpu * 1000:.1f} ms | {wall * 1000:.1f} ms | {ratio} |")
    out()
    out(f"Minimum over {args.repeat} loops of {args.records} records; {os.cpu_count()} CPUs, "
          f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}.")

    if args.readme:
        from .run import write_readme
        write_readme(args.readme, "\n".join(lines), "benchmark-build")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
