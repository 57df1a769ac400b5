"""Benchmark ``aasref collect`` against a loopback asyncua server (the test server of ``tests/opcua_server.py``).

    python -m benchmarks.collect [--repeat 5] [--seconds 10] [--hz 10] [--markdown]

Measured in one run, against plain asyncua baselines on the same server and nodes:

  resolution        (injection-molding on an IMM2MES server, machining on a MachineTool + CNC server)
                    connect excluded: browse the machine's subtree, place every OPC UA id of the model in the
                    server's type hierarchy, bind elements to nodes, read DataType / EngineeringUnits / enum names
  plain read        one batched Read of the bound nodes' values (asyncua ``read_values``), the floor of a tick
  per-node reads    the same values read one node at a time (``Node.read_value``), what a naive poller does
  collect tick      one tick of ``aasref collect --every``: batched Read, unit conversion, type checks
  polling           ``--hz`` ticks per second for ``--seconds``: ticks started late by a whole period (backlog)
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


async def _resolution(url: str, machine: str, model: str, repeat: int) -> tuple[float, int, int]:
    """Median resolution time of ``model`` on ``machine``, bindings, nodes browsed."""
    from asyncua import ua

    from aas_refmodels.collect import Session, _resolve
    from aas_refmodels.collect._bind import prepare_reads
    from aas_refmodels.spec import load_model

    spec = load_model(model)
    async with Session(url, None, 10.0) as s:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            res = await _resolve(s, spec, ua.NodeId.from_string(machine), machine)
            await prepare_reads(s.browser, res.plan)
            times.append(time.perf_counter() - t0)
    return statistics.median(times), len(res.plan.bindings), sum(1 for _ in res.machine.walk())


async def _measure(url: str, machine: str, repeat: int, seconds: float, hz: float) -> dict[str, Any]:
    from asyncua import ua

    from aas_refmodels.collect import Session, _resolve
    from aas_refmodels.collect._bind import Plan, prepare_reads, read_values
    from aas_refmodels.spec import load_model

    spec = load_model("injection-molding")
    out: dict[str, Any] = {}
    async with Session(url, None, 10.0) as s:
        nid = ua.NodeId.from_string(machine)
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            res = await _resolve(s, spec, nid, machine)
            await prepare_reads(s.browser, res.plan)
            times.append(time.perf_counter() - t0)
        plan = res.plan
        tracked = plan.readable()
        out["elements"] = sum(1 for _, e in spec.walk() if e.supplemental_semantic_ids)
        out["bound"] = len(plan.bindings)
        out["variables"] = len(tracked)
        out["nodes"] = sum(1 for _ in res.machine.walk())
        out["resolution"] = statistics.median(times)

        nodes = [s.client.get_node(bd.node.nodeid) for bd in tracked]
        plain, single, tick = [], [], []
        for _ in range(max(repeat, 20)):
            t0 = time.perf_counter()
            await s.client.read_values(nodes)
            plain.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            await read_values(s.browser, Plan(bindings=tracked))
            tick.append(time.perf_counter() - t0)
        for _ in range(max(repeat, 5)):
            t0 = time.perf_counter()
            for n in nodes:
                await n.read_value()
            single.append(time.perf_counter() - t0)
        out["plain_read"] = statistics.median(plain)
        out["collect_tick"] = statistics.median(tick)
        out["per_node"] = statistics.median(single)

        period = 1.0 / hz
        n_ticks = int(seconds * hz)
        late = 0
        reads = []
        start = time.monotonic()
        for n in range(n_ticks):
            wait = start + n * period - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            elif -wait > period:
                late += 1
            t0 = time.monotonic()
            await read_values(s.browser, Plan(bindings=tracked))
            reads.append(time.monotonic() - t0)
        out["poll_ticks"] = n_ticks
        out["poll_late"] = late
        out["poll_elapsed"] = time.monotonic() - start
        out["poll_read_p99"] = sorted(reads)[int(0.99 * (len(reads) - 1))]
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--hz", type=float, default=10.0)
    p.add_argument("--markdown", action="store_true")
    args = p.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from tests.opcua_server import running_server

    t0 = time.perf_counter()
    with running_server(imm_count=1, extra_zones=6) as m:
        up = time.perf_counter() - t0
        r = asyncio.run(_measure(m.url, m.imm[0], args.repeat, args.seconds, args.hz))
    with running_server(imm_count=0, machine_tools=1) as vmc:
        mt_res, mt_bound, mt_nodes = asyncio.run(_resolution(vmc.url, vmc.machine_tools[0], "machining", args.repeat))
    ms = 1000.0
    rows = [
        ("server start (NodeSet import + instantiation)", f"{up:.1f} s", f"import {m.import_seconds:.1f} s"),
        (f"resolution, injection-molding ({r['elements']} elements with OPC UA ids -> {r['bound']} bindings, "
         f"{r['nodes']} nodes browsed)", f"{r['resolution'] * ms:.0f} ms", "target < 1000 ms"),
        (f"resolution, machining on a MachineTool + CNC server ({mt_bound} bindings, {mt_nodes} nodes browsed)",
         f"{mt_res * ms:.0f} ms", "target < 1000 ms"),
        (f"plain asyncua batched Read of {r['variables']} variables", f"{r['plain_read'] * ms:.1f} ms", "1.0x"),
        ("collect tick (batched Read + units + checks)", f"{r['collect_tick'] * ms:.1f} ms",
         f"{r['collect_tick'] / r['plain_read']:.1f}x"),
        (f"per-node reads of the {r['variables']} variables", f"{r['per_node'] * ms:.1f} ms",
         f"{r['per_node'] / r['plain_read']:.1f}x"),
        (f"polling {args.hz:g} Hz for {args.seconds:g} s", f"{r['poll_late']} late of {r['poll_ticks']} ticks",
         f"p99 tick read {r['poll_read_p99'] * ms:.1f} ms, elapsed {r['poll_elapsed']:.2f} s"),
    ]
    if args.markdown:
        print("| measurement | value | ratio / note |\n|---|---|---|")
        for a, b, c in rows:
            print(f"| {a} | {b} | {c} |")
    else:
        for a, b, c in rows:
            print(f"{a:<80} {b:>22}  {c}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
