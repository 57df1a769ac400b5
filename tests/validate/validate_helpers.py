"""Shared helpers of the validator tests (imported by name: tests/validate is on sys.path under pytest)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from make_corpus import base_env  # noqa: F401  (re-exported)

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"


def corpus_cases() -> list[Path]:
    return sorted(p for p in CORPUS.glob("*/*") if (p.is_file() or p.is_symlink())
                  and not p.name.endswith((".findings.json", ".template")))


def templates_of(case: Path) -> list[str]:
    sidecar = case.with_name(case.name + ".template")
    return [str(sidecar)] if sidecar.exists() else []


def spec_version_of(case: Path) -> str | None:
    return "3.0" if ".v30." in case.name else None


def golden_view(report: Any) -> dict[str, Any]:
    """What a golden file pins: version, layers and every finding (without timings)."""
    return {
        "format": report.format,
        "version": report.version,
        "layers": [lr.to_dict() for lr in report.layers],
        "findings": [f.to_dict() for f in report.findings],
    }


def dumps(obj: Any) -> bytes:
    return json.dumps(obj).encode("utf-8")


def deep(obj: Any) -> Any:
    return copy.deepcopy(obj)
