"""Full equivalence run: the derived schema gives the official schema's verdict on every official example
of both releases and on mutants of each (the test suite checks a sample).

    python -m benchmarks.equivalence [--mutants 3] [--schema-dir DIR]

Reference: jsonschema Draft 2019-09 over the unmodified official aas.json (for documents with characters
outside the BMP: over the official schema with only the pattern rewrite, see _jsonschema.py). Candidate:
the compiled derived schema used by ``aasref validate``. Also reports the time of both.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

from aas_refmodels.validate._jsonschema import compile_schema, derive_schema, rewrite_pattern

ROOT = Path(__file__).resolve().parent.parent


def _patterns_only(schema):
    if isinstance(schema, dict):
        return {k: (rewrite_pattern(v) if k == "pattern" and isinstance(v, str) else _patterns_only(v))
                for k, v in schema.items()}
    if isinstance(schema, list):
        return [_patterns_only(x) for x in schema]
    return schema


def mutants(doc, rng: random.Random, n: int):
    paths = []

    def walk(node, path):
        paths.append(path)
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, [*path, k])
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, [*path, i])
    walk(doc, [])
    for _ in range(n):
        if len(paths) < 2:
            return
        m = json.loads(json.dumps(doc))
        path = rng.choice(paths[1:])
        parent = m
        for p in path[:-1]:
            parent = parent[p]
        key = path[-1]
        op = rng.choice(["drop", "int", "empty", "modelType", "list", "blank", "idShort", "string"])
        if op == "drop":
            del parent[key]
        elif op == "int":
            parent[key] = 7
        elif op == "empty":
            parent[key] = [] if isinstance(parent[key], list) else ({} if isinstance(parent[key], dict) else "")
        elif op == "modelType":
            target = parent[key] if isinstance(parent[key], dict) else parent
            if isinstance(target, dict):
                target["modelType"] = rng.choice(["Property", "Range", "Blob", "Entity", "Submodel", "Nope", 3])
        elif op == "list":
            parent[key] = [parent[key]]
        elif op == "blank":
            parent[key] = " "
        elif op == "idShort" and isinstance(parent, dict):
            parent["idShort"] = rng.choice(["1a", "a b", "x", "a-", "ok_id", ""])
        elif op == "string":
            parent[key] = rng.choice(["\u0001", "\ud800", "x" * 3000, "en?", "xs:nope"])
        yield m


def main(argv: list[str] | None = None) -> int:
    import jsonschema

    ap = argparse.ArgumentParser()
    ap.add_argument("--mutants", type=int, default=3)
    ap.add_argument("--schema-dir", default=os.environ.get("AASREF_SCHEMA_DIR") or str(ROOT.parent / "shared" / "schemas"))
    args = ap.parse_args(argv)
    total = disagreements = 0
    for folder in ("V3.0.9", "V3.1.2"):
        vdir = Path(args.schema_dir) / folder
        official = json.loads((vdir / "aas.json").read_text(encoding="utf-8"))
        ref = jsonschema.Draft201909Validator(official)
        ref_bmp = jsonschema.Draft201909Validator(_patterns_only(official))
        fast = compile_schema(derive_schema(official))
        rng = random.Random(folder)
        t_ref = t_fast = 0.0
        n = 0
        for path in sorted((vdir / "examples").rglob("*.json")):
            doc = json.loads(path.read_text(encoding="utf-8"))
            for candidate in [doc, *mutants(doc, rng, args.mutants)]:
                non_bmp = any(ord(c) > 0xFFFF for c in json.dumps(candidate, ensure_ascii=False))
                t0 = time.perf_counter()
                a = (ref_bmp if non_bmp else ref).is_valid(candidate)
                t1 = time.perf_counter()
                b = not fast(candidate)
                t2 = time.perf_counter()
                t_ref += t1 - t0
                t_fast += t2 - t1
                n += 1
                if a != b:
                    disagreements += 1
                    print(f"DISAGREE {path}: official={a} derived={b}", file=sys.stderr)
        total += n
        print(f"{folder}: {n} documents, official {t_ref:.1f} s, derived+compiled {t_fast:.2f} s "
              f"({t_ref / max(t_fast, 1e-9):.0f}× faster)")
    print(f"{total} documents, {disagreements} disagreements")
    return 1 if disagreements else 0


if __name__ == "__main__":
    raise SystemExit(main())
