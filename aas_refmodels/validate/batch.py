"""Batch validation: trees of files, optionally in worker processes. One broken file never stops the batch."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from ..findings import Report

EXTENSIONS = (".json", ".xml", ".aasx")


def collect(paths: Iterable[str]) -> list[str]:
    """Files named directly (any extension) plus AAS files (.json/.xml/.aasx) found in directories, sorted."""
    out: list[str] = []
    for p in paths:
        if p == "-":
            out.append(p)
            continue
        path = Path(p)
        if path.is_dir():
            found = []
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames.sort()
                found += [os.path.join(dirpath, f) for f in filenames if f.lower().endswith(EXTENSIONS)]
            out += sorted(found)
        else:
            out.append(p)
    return out


def _one(args: tuple[str, dict[str, Any]]) -> Report:
    path, kwargs = args
    from . import validate
    try:
        return validate(path, **kwargs)
    except Exception as exc:
        msg = (f"{type(exc).__name__}: {exc}".splitlines() or [type(exc).__name__])[0]
        return Report(path, failure=msg)


def _one_stdin(data: bytes, kwargs: dict[str, Any]) -> Report:
    from . import validate
    try:
        return validate(data, name="<stdin>", **kwargs)
    except Exception as exc:
        return Report("<stdin>", failure=(f"{type(exc).__name__}: {exc}".splitlines() or ["error"])[0])


def run(files: list[str], kwargs: dict[str, Any], jobs: int = 1,
        progress: Callable[[int], None] | None = None, stdin: bytes | None = None) -> Iterator[Report]:
    """Reports in the order of ``files``; ``progress(n)`` after each file."""
    if stdin is not None or jobs <= 1 or len(files) <= 1:
        for f in files:
            report = _one((f, kwargs)) if f != "-" else _one_stdin(stdin or b"", kwargs)
            if progress:
                progress(1)
            yield report
        return
    # each worker validates many files: options are sent once (initializer), imports and compiled schemas are
    # warmed once per worker, and files go out in chunks
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(kwargs,)) as pool:
        chunk = max(1, min(32, len(files) // (jobs * 8) or 1))
        for report in pool.map(_one_in_worker, files, chunksize=chunk):
            if progress:
                progress(1)
            yield report


_WORKER_KWARGS: dict[str, Any] = {}


def _init_worker(kwargs: dict[str, Any]) -> None:
    """Runs once in every worker process: keep the options, import the layers, compile the schemas."""
    _WORKER_KWARGS.clear()
    _WORKER_KWARGS.update(kwargs)
    warm(kwargs)


def warm(kwargs: dict[str, Any]) -> None:
    """Import every layer and compile the schemas of both versions (validations of three tiny documents)."""
    from . import validate
    options = {k: v for k, v in kwargs.items() if k != "spec_version"}
    for doc in (b'{"submodels": []}', b'<environment xmlns="https://admin-shell.io/aas/3/0"/>',
                b'<environment xmlns="https://admin-shell.io/aas/3/1"/>'):
        with contextlib.suppress(Exception):  # warming is an optimisation: a real file reports any problem
            validate(doc, **options)
    with contextlib.suppress(Exception):
        from . import conformance  # the template layer and its index of the reference models
        conformance._raw_index(kwargs.get("base_iri"))


def _one_in_worker(path: str) -> Report:
    return _one((path, _WORKER_KWARGS))
