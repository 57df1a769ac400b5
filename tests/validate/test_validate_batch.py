"""Batch validation in worker processes: the same reports as in-process, options reach every worker."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from validate_helpers import CORPUS, base_env, dumps

from aas_refmodels.validate import batch


def _files(tmp_path):
    (tmp_path / "ok.json").write_bytes(dumps(base_env()))
    (tmp_path / "broken.json").write_bytes(b"{")
    bad = base_env()
    bad["submodels"][0]["submodelElements"][0]["value"] = "fast"
    (tmp_path / "bad.json").write_bytes(dumps(bad))
    ser005 = tmp_path / "ser005.json"
    ser005.write_bytes((CORPUS / "SER005" / "integer-beyond-basyx.json").read_bytes())
    return batch.collect([str(tmp_path)])


def _view(reports):
    return [(r.source, r.failure, [(f.code, str(f.path), f.message) for f in r.findings]) for r in reports]


def test_workers_give_the_in_process_reports(tmp_path, schema_dir):
    files = _files(tmp_path) * 3  # more files than workers: chunks
    kwargs = {"schema_dir": schema_dir}
    seen: list[int] = []
    parallel = list(batch.run(files, kwargs, jobs=2, progress=seen.append))
    assert _view(parallel) == _view(batch.run(files, kwargs, jobs=1))
    assert len(seen) == len(files)


def test_options_reach_the_workers(tmp_path, schema_dir):
    files = _files(tmp_path)
    plain = {r.source: r.codes for r in batch.run(files, {"schema_dir": schema_dir}, jobs=2)}
    compat = {r.source: r.codes for r in batch.run(files, {"schema_dir": schema_dir, "basyx": True}, jobs=2)}
    ser005 = next(f for f in files if f.endswith("ser005.json"))
    assert "SER005" in compat[ser005] and "SER005" not in plain[ser005]


def test_warm_never_raises(schema_dir, tmp_path):
    batch.warm({"schema_dir": schema_dir})
    batch.warm({"schema_dir": str(tmp_path / "missing")})


# ------------------------------------------------------------------ scheduling, crashes, interruption (issue 14)
FORK = sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


@given(st.integers(0, 3000), st.integers(2, 16))
def test_chunks_cover_the_files_in_order_and_shrink_towards_the_end(n, jobs):
    ranges = batch.chunks(n, jobs)
    assert [i for s, e in ranges for i in range(s, e)] == list(range(n))
    sizes = [e - s for s, e in ranges]
    assert all(1 <= size <= 16 for size in sizes) and sizes == sorted(sizes, reverse=True)
    if n >= jobs * 4:
        assert sizes[-1] == 1  # the tail is single files: the workers finish together


def _crash_on(monkeypatch, *names):
    """Workers (forked: they inherit the patch) die without a word on these files, as on a segfault."""
    real = batch._one

    def one(args):
        if os.path.basename(args[0]) in names and multiprocessing.parent_process() is not None:
            os._exit(70)
        return real(args)
    monkeypatch.setattr(batch, "_one", one)


@pytest.mark.skipif(not FORK, reason="the crash is injected through fork")
def test_a_crashing_worker_is_a_located_failure_and_the_batch_goes_on(tmp_path, schema_dir, monkeypatch):
    files = _files(tmp_path) * 3
    (tmp_path / "crash.json").write_bytes(dumps(base_env()))
    (tmp_path / "crash2.json").write_bytes(dumps(base_env()))
    files = [*files[:5], str(tmp_path / "crash.json"), *files[5:], str(tmp_path / "crash2.json")]
    kwargs = {"schema_dir": schema_dir}
    expected = _view(batch.run(files, kwargs, jobs=1))
    _crash_on(monkeypatch, "crash.json", "crash2.json")
    seen: list[int] = []
    got = list(batch.run(files, kwargs, jobs=2, progress=seen.append))
    assert [r.source for r in got] == files and len(seen) == len(files)
    for (source, failure, findings), want in zip(_view(got), expected, strict=True):
        if source.endswith(("crash.json", "crash2.json")):
            assert failure and "ended abruptly" in failure and findings == []
        else:
            assert (source, failure, findings) == want
    assert multiprocessing.active_children() == []


def _slow_files(tmp_path, n=40):
    for i in range(n):
        (tmp_path / f"f{i:03d}.json").write_bytes(dumps(base_env()))
    return batch.collect([str(tmp_path)])


def test_stopping_early_terminates_the_workers(tmp_path, schema_dir):
    reports = batch.run(_slow_files(tmp_path), {"schema_dir": schema_dir}, jobs=2)
    first = next(reports)
    assert first.failure is None and multiprocessing.active_children()
    t0 = time.monotonic()
    reports.close()  # the consumer stops (as on an exception in the caller)
    assert multiprocessing.active_children() == [] and time.monotonic() - t0 < 10


def test_ctrl_c_ends_the_batch_and_its_workers(tmp_path, schema_dir):
    def interrupt(_n):
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        list(batch.run(_slow_files(tmp_path), {"schema_dir": schema_dir}, jobs=2, progress=interrupt))
    assert multiprocessing.active_children() == []


def test_spawned_workers_warm_themselves_and_give_the_same_reports(tmp_path, schema_dir, monkeypatch):
    files = _files(tmp_path) * 2
    kwargs = {"schema_dir": schema_dir}
    monkeypatch.setattr(batch, "_fork_available", lambda: False)  # as on macOS and Windows
    assert _view(batch.run(files, kwargs, jobs=2)) == _view(batch.run(files, kwargs, jobs=1))
    assert multiprocessing.active_children() == []


def _children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return f.read().split()
    except OSError:
        return []


@pytest.mark.skipif(not (FORK and os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children")),
                    reason="Linux /proc")
def test_ctrl_c_on_the_command_line_ends_it_and_its_workers(tmp_path, schema_dir):
    import signal
    import subprocess

    _slow_files(tmp_path, 200)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    proc = subprocess.Popen([sys.executable, "-m", "aas_refmodels.cli", "validate", str(tmp_path), "-q", "--jobs",
                             "2"], cwd=root, env=dict(os.environ, PYTHONPATH=root, AASREF_SCHEMA_DIR=str(schema_dir)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while len(workers := _children(proc.pid)) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(workers) == 2, "the workers did not start"
    os.killpg(proc.pid, signal.SIGINT)  # a terminal's Ctrl-C reaches the whole process group
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode != 0 and "Traceback" not in err.decode()
    time.sleep(0.2)
    assert not [w for w in workers if os.path.exists(f"/proc/{w}") and "zombie" not in _state(w)]


def _state(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return next((line for line in f if line.startswith("State:")), "").lower()
    except OSError:
        return "zombie"
