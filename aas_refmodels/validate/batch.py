"""Batch validation: trees of files, optionally in worker processes. One broken file never stops the batch."""

from __future__ import annotations

import collections
import contextlib
import gc
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import Future

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
    """Reports in the order of ``files``; ``progress(1)`` after each file."""
    if stdin is not None or jobs <= 1 or len(files) <= 1:
        for f in files:
            report = _one((f, kwargs)) if f != "-" else _one_stdin(stdin or b"", kwargs)
            if progress:
                progress(1)
            yield report
        return
    yield from _parallel(files, kwargs, min(jobs, len(files)), progress)


def chunks(n: int, jobs: int, largest: int = 16) -> list[tuple[int, int]]:
    """``[start, end)`` ranges covering ``range(n)``: big chunks first (few round trips), smaller towards the end
    (guided scheduling: the workers finish together)."""
    out, start = [], 0
    while start < n:
        size = max(1, min(largest, -(-(n - start) // (jobs * 4))))
        out.append((start, min(n, start + size)))
        start += size
    return out


def _parallel(files: list[str], kwargs: dict[str, Any], jobs: int,
              progress: Callable[[int], None] | None) -> Iterator[Report]:
    """Worker processes, each validating many files.

    Where ``fork`` is the start method (Linux), the parent warms the layers once (imports, compiled schemas,
    template index) and the workers inherit them (copy-on-write; ``gc.freeze()`` keeps the collector from
    touching the inherited objects); elsewhere every worker warms itself once. Chunks of files go out and
    come back as lists of reports, in order. A worker that dies (crash, killed) costs no report: its chunk is
    redone one file per fresh process, which locates the file, and the batch goes on with a new pool. On any
    interruption (Ctrl-C, the consumer stops) the workers are terminated.
    """
    import multiprocessing  # imported here: a single-file run does not pay for it
    from concurrent.futures.process import BrokenProcessPool

    from .._lazy_patterns import install
    install()
    fork = _fork_available()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    if fork:
        warm(kwargs)
    ranges = chunks(len(files), jobs)
    pool = _Pool(context, jobs, kwargs, fork)
    pending: collections.deque[tuple[int, int, Future[list[Report]]]] = collections.deque()
    nxt = 0
    finished = False
    try:
        while pending or nxt < len(ranges):
            while nxt < len(ranges) and len(pending) < jobs * 3:  # a bounded window: memory stays flat
                start, end = ranges[nxt]
                pending.append((start, end, pool.submit(files[start:end])))
                nxt += 1
            start, end, future = pending.popleft()
            try:
                reports = future.result()
            except BrokenProcessPool:
                pool.close(abort=True)
                reports = [_isolated(context, f, kwargs, fork) for f in files[start:end]]
                pool = _Pool(context, jobs, kwargs, fork)
                pending = collections.deque((s, e, f if _succeeded(f) else pool.submit(files[s:e]))
                                            for s, e, f in pending)
            except Exception as exc:  # e.g. a report that could not be sent back: located, the batch goes on
                reports = [Report(f, failure=_one_line(exc)) for f in files[start:end]]
            for report in reports:
                if progress:
                    progress(1)
                yield report
        finished = True
    finally:
        pool.close(abort=not finished)


def _fork_available() -> bool:
    """Workers forked from the warmed parent: Linux (macOS and Windows spawn fresh interpreters)."""
    import multiprocessing
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


class _Pool:
    """A ProcessPoolExecutor whose workers start at once (fork: from the warmed parent, its heap frozen)."""

    def __init__(self, context: Any, jobs: int, kwargs: dict[str, Any], fork: bool) -> None:
        from concurrent.futures import ProcessPoolExecutor
        self.executor = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init_worker,
                                            initargs=(kwargs, not fork))
        self.fork = fork
        self.started = self.closed = False

    def submit(self, paths: list[str]) -> Future[list[Report]]:
        """The chunk's future; a pool already broken (a worker died) gives a future failed with that."""
        from concurrent.futures import Future
        from concurrent.futures.process import BrokenProcessPool

        frozen = self.fork and not self.started
        if frozen:
            gc.freeze()  # objects the workers inherit stay out of their collector (no copy-on-write by the gc)
        try:
            return self.executor.submit(_chunk_in_worker, paths)  # fork: every worker starts at the first
        except BrokenProcessPool as exc:
            failed: Future[list[Report]] = Future()
            failed.set_exception(exc)
            return failed
        finally:
            if frozen:
                gc.unfreeze()
            self.started = True

    def close(self, abort: bool) -> None:
        if self.closed:
            return
        self.closed = True
        if not abort:
            self.executor.shutdown(wait=True)
            return
        # private attributes where Python has no public way (terminate_workers() is 3.14+); every wait is bounded
        processes = list((getattr(self.executor, "_processes", None) or {}).values())
        manager = getattr(self.executor, "_executor_manager_thread", None)
        terminate = getattr(self.executor, "terminate_workers", None)
        self.executor.shutdown(wait=False, cancel_futures=True)
        if terminate is not None:
            with contextlib.suppress(Exception):
                terminate()
        for process in processes:
            with contextlib.suppress(Exception):
                process.terminate()
        for process in processes:
            with contextlib.suppress(Exception):
                process.join(5)
        if manager is not None:
            manager.join(5)  # it reaps the workers of a pool that broke before we looked


def _succeeded(future: Future[list[Report]]) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


def _isolated(context: Any, path: str, kwargs: dict[str, Any], fork: bool) -> Report:
    """``path`` validated in a process of its own: a crash there is that file's located failure."""
    from concurrent.futures.process import BrokenProcessPool

    pool = _Pool(context, 1, kwargs, fork)
    try:
        report = pool.submit([path]).result()[0]
    except BrokenProcessPool:
        report = Report(path, failure="the worker process validating this file ended abruptly (crashed or was "
                                      "killed, e.g. out of memory); no report")
    except Exception as exc:
        report = Report(path, failure=_one_line(exc))
    pool.close(abort=report.failure is not None)
    return report


def _one_line(exc: BaseException) -> str:
    return (f"{type(exc).__name__}: {exc}".splitlines() or [type(exc).__name__])[0]


_WORKER_KWARGS: dict[str, Any] = {}


def _init_worker(kwargs: dict[str, Any], warm_here: bool = True) -> None:
    """Runs once in every worker process: keep the options; Ctrl-C is the parent's to handle (it terminates
    the workers); without fork, import the layers and compile the schemas here."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_KWARGS.clear()
    _WORKER_KWARGS.update(kwargs)
    if warm_here:
        from .._lazy_patterns import install
        install()
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


def _chunk_in_worker(paths: list[str]) -> list[Report]:
    return [_one((path, _WORKER_KWARGS)) for path in paths]
