"""Batch validation in worker processes: the same reports as in-process, options reach every worker."""

from __future__ import annotations

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
