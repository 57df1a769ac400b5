"""Polling: one batched Read per tick of the machine's bound variables, records into an IDTA 02008 TimeSeries."""

from __future__ import annotations

import asyncio
import datetime
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..spec import ModelSpec


@dataclass
class PollResult:
    """The instance of the first record, the time series of all records, and how punctual the polling was."""

    first: Any                      # CollectResult of the first tick
    series: Any                     # ingest.timeseries.TimeSeries
    records: int
    variables: list[str]            # model value paths recorded
    late_ticks: int = 0             # backlog: ticks started a whole period late / events still queued when taken
    read_seconds: list[float] = field(default_factory=list)
    writer: Any = None              # keeps the ExternalSegment's temporary file until close()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()

    def objects(self) -> list[Any]:
        built = self.first.built
        out: dict[str, Any] = {}
        for obj in [*(built.objects() if built is not None else []), *self.series.objects()]:
            out.setdefault(obj.id, obj)  # the instance and the series share ConceptDescriptions
        return list(out.values())


async def poll_async(url: str, spec: ModelSpec | str, *, every: float | None = None, on_event: bool = False,
                     count: int | None = None,
                     until: datetime.datetime | None = None, asset_id: str | None = None,
                     object: str | None = None, machine_type: str | None = None,
                     values: Mapping[str, Any] | None = None, allow_missing: bool = False,
                     security: Any = None, timeout: float = 5.0, event_timeout: float = 10.0,
                     series_id: str | None = None, max_internal_records: int | None = None,
                     on_record: Callable[[int, datetime.datetime, dict[str, Any]], None] | None = None,
                     ) -> PollResult:
    """Poll one machine every ``every`` seconds (or once per event: ``on_event``), ``count`` times or until ``until``.

    Timed records hold the variables the server exposes for ProcessData (event fields are taken once, for the
    instance); ticks are on a fixed schedule, and a tick that starts a whole period late counts as backlog.
    With ``on_event`` a record is made for every event of the bound event types (e.g. each cycle's
    CycleParametersEvent): its fields plus the variables read when it arrives; events still queued when one is
    taken count as backlog.
    """
    from ..ingest.timeseries import TimeSeriesWriter, variables_from_spec
    from . import (
        CollectError,
        CollectResult,
        Session,
        _load_spec,
        _machines,
        _resolve,
        _safe_url,
        build_from_values,
        server_errors,
    )

    if on_event == (every is not None):
        raise ValueError("give either every (seconds) or on_event")
    if every is not None and every <= 0:
        raise ValueError("the polling period must be positive")
    if count is None and until is None:
        raise ValueError("give count or until")
    spec = _load_spec(spec)
    async with Session(url, security, timeout) as s:  # raises CollectError first when asyncua is missing
        with server_errors(url):
            from ._bind import prepare_reads, read_events, read_values
            machines = await _machines(s, spec, object, machine_type)
            if len(machines) > 1:
                raise CollectError(f"{len(machines)} machines of the model's type on the server: choose one with object=")
            nid, path = machines[0]
            res = await _resolve(s, spec, nid, path)
            await prepare_reads(s.browser, res.plan)
            collected, stamp = await read_values(s.browser, res.plan)
            await read_events(s.client, s.browser, res.plan, nid, event_timeout, collected)
            built, missing, notes = build_from_values(spec, collected, extra=values, asset_id=asset_id,
                                                      allow_missing=allow_missing, stamp=stamp)
            first = CollectResult(_safe_url(url), spec.key, nid.to_string(), path, res.plan.rows, collected, missing,
                                  built, notes, stamp)
            tracked = [bd for bd in res.plan.readable()
                       if bd.path.startswith("ProcessData.") and not bd.spread and bd.path in collected]
            fed = [bd for bd in res.plan.events()
                   if bd.path.startswith("ProcessData.") and not bd.spread and bd.path in collected] if on_event else []
            variables = variables_from_spec(spec, [bd.path for bd in tracked + fed])
            asset = (asset_id or f"urn:aas-refmodels:collect:{spec.model}").rstrip("/")
            sid = series_id or f"{asset}/sm/TimeSeries/{stamp.strftime('%Y%m%dT%H%M%SZ')}"
            writer = TimeSeriesWriter(variables, submodel_id=sid, sampling_interval=None,
                                      max_internal_records=max_internal_records,
                                      name={"en": f"{spec.model} process data, every {every:g} s",
                                            "ko": f"{spec.model} 공정 데이터, {every:g} 초 간격"} if every else
                                      {"en": f"{spec.model} process data per event",
                                       "ko": f"{spec.model} 이벤트별 공정 데이터"})
            from ._bind import EventFeed, Plan, store
            from ._bind import read_values as _read

            late = 0
            reads: list[float] = []
            n = 0
            start = time.monotonic()
            feed = EventFeed(s.client, s.browser, fed, nid) if on_event else None
            try:
                if feed is not None and not (missing and not allow_missing) and not await feed.open():
                    raise CollectError(f"the server refused the event subscription ({feed.refused})")
                while not (missing and not allow_missing):  # an incomplete first record stops before polling
                    if count is not None and n >= count:
                        break
                    now_wall = datetime.datetime.now(datetime.UTC)
                    if until is not None and now_wall >= until:
                        break
                    fields: list[Any] = []
                    if feed is not None:
                        left = (until - now_wall).total_seconds() if until is not None else None
                        try:
                            fields = await asyncio.wait_for(feed.next(), left)
                        except TimeoutError:
                            break
                        late += 1 if feed.pending() else 0
                    else:
                        assert every is not None
                        wait = start + n * every - time.monotonic()
                        if wait > 0:
                            await asyncio.sleep(wait)
                        elif -wait > every:
                            late += 1
                    t0 = time.monotonic()
                    row, tick = await _read(s.browser, Plan(bindings=tracked))
                    reads.append(time.monotonic() - t0)
                    for bd, raw in zip(fed, fields, strict=False):
                        store(bd, raw, row)
                    record = {bd.path: row[bd.path] for bd in tracked + fed if bd.path in row}
                    writer.add(tick, record)
                    if on_record is not None:
                        on_record(n, tick, record)
                    n += 1
                series = writer.finish(state="completed")
            except BaseException:
                writer.close()
                raise
            finally:
                if feed is not None:
                    await feed.close()
    return PollResult(first, series, n, [bd.path for bd in tracked + fed], late, reads, writer)


def poll(url: str, spec: ModelSpec | str, **options: Any) -> PollResult:
    """Synchronous :func:`poll_async`."""
    return asyncio.run(poll_async(url, spec, **options))
