"""``collect`` for the machining model: a MachineToolType machine with a CNC interface (Machinery, IA, MachineTool,
CNC NodeSets on a loopback asyncua server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import aas_refmodels

from .opcua_server import AXES, EXPECTED_MT, Machines, running_server
from .test_collect import _reference_or_skip

PP = "ProcessParameters.Processes.Process[0]"
STATIC = {
    f"{PP}.ProcessId": "OP-20", f"{PP}.ProcessName": "Finish milling", f"{PP}.PlannedProcessTime": "PT42S",
    f"{PP}.ProcessDescription": {"en": "Finish milling of the housing", "ko": "하우징 정삭 가공"},
    f"{PP}.ProcessParameters.NCProgramNameSetpoint": "O1234.nc", f"{PP}.ProcessParameters.OperationType": "Milling",
    f"{PP}.ResourceParameters.Tools[0].ToolIdentifier": "T-EM10", f"{PP}.ResourceParameters.Tools[1].ToolIdentifier": "T-DR8",
    "ProcessData.ToolStates[0].ToolIdentifier": "T-EM10", "ProcessData.ToolStates[1].ToolIdentifier": "T-DR8",
    # the CNC NodeSet has no axis-name variable (an axis is named by its browse name): the names are static
    **{f"ProcessData.AxisLoads[{k}].AxisName": a for k, a in enumerate([*AXES, "S1"])},
}


@pytest.fixture(scope="module")
def vmc() -> Iterator[Machines]:
    _reference_or_skip()
    with running_server(imm_count=0, machine_tools=1) as machines:
        yield machines


def test_machine_tool_values_converted_and_valid(vmc: Machines, schema_dir: Path, tmp_path: Path) -> None:
    r = aas_refmodels.collect(vmc.url, "machining", values=STATIC, asset_id="https://plant.example.kr/asset/VMC-07")
    assert r.machine == vmc.machine_tools[0]
    for path, expected in EXPECTED_MT.items():
        assert r.values.get(path) == pytest.approx(expected) if isinstance(expected, float) \
            else r.values.get(path) == expected, path
    # list items come from their own tool object
    assert [r.values[f"ProcessData.ToolStates[{k}].ToolNumber"] for k in (0, 1)] == [11, 12]
    assert [r.values[f"ProcessData.ToolStates[{k}].Locked"] for k in (0, 1)] == [False, True]
    # axis loads: one item per CncDriveType instance, feed axes X, Y, Z first, then the spindle drive
    assert [r.values[f"ProcessData.AxisLoads[{k}].Load"] for k in range(4)] == [*AXES.values(), 42.0]
    assert "ProcessData.AxisLoads[4].Load" not in r.values
    assert r.missing == [] and r.built is not None
    out = aas_refmodels.write(r.built.objects(), tmp_path / "vmc.aasx")
    report = aas_refmodels.validate(out, schema_dir=schema_dir)
    assert report.ok, [str(f) for f in report.findings]
    rows = {row.path: row for row in r.rows}
    assert "converted m/min -> mm/min" in rows["ProcessData.FeedRate"].detail
    assert rows["ProcessData.JobOrderNumber"].status == "not found"   # no ProductionJob on this machine


def test_without_static_values_the_missing_mandatory_are_named(vmc: Machines) -> None:
    r = aas_refmodels.collect(vmc.url, "machining")
    assert r.built is None
    assert r.missing == [*(f"ProcessData.AxisLoads[{k}].AxisName" for k in range(4)),
                         "ProcessData.ToolStates[0].ToolIdentifier", "ProcessData.ToolStates[1].ToolIdentifier"]
    assert any(n.startswith("ProcessParameters not built") for n in r.notes)
