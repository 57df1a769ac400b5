"""A real OPC UA server (asyncua) on loopback with companion-spec machines, for the collect tests and benchmark.

The NodeSets come from ``../shared/reference/opcua`` (imported in dependency order). Values are written with
engineering units that differ from the models' (ms vs s, MPa vs bar, cm vs mm, °F vs °C) so that conversion
is exercised.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REFERENCE = Path(os.environ.get("AASREF_REFERENCE_DIR", Path(__file__).resolve().parents[2] / "shared" / "reference"))
OPCUA_DIR = REFERENCE / "opcua"
IMM_NODESETS = ["Opc.Ua.Di.NodeSet2.xml", "Opc.Ua.PlasticsRubber.GeneralTypes.1.02.NodeSet2.xml",
                "Opc.Ua.PlasticsRubber.IMM2MES.NodeSet2.xml"]
MT_NODESETS = ["Opc.Ua.Machinery.NodeSet2.xml", "Opc.Ua.IA.NodeSet2.xml", "opc.ua.isa95-jobcontrol.nodeset2.xml",
               "Opc.Ua.Machinery.Jobs.Nodeset2.xml", "Opc.Ua.MachineTool.NodeSet2.xml", "Opc.Ua.CNC.NodeSet.xml"]
MT = "http://opcfoundation.org/UA/MachineTool/"
CNC = "http://opcfoundation.org/UA/CNC"
GT = "http://opcfoundation.org/UA/PlasticsRubber/GeneralTypes/"
IMM = "http://opcfoundation.org/UA/PlasticsRubber/IMM2MES/"
UNECE = "http://www.opcfoundation.org/UA/units/un/cefact"


async def make_certificate(directory: Path, name: str, uri: str, *, server: bool) -> tuple[Path, Path]:
    """A self-signed certificate (DER) and key (PEM) for a test application."""
    import socket as _socket

    from asyncua.crypto.cert_gen import setup_self_signed_certificate
    from cryptography.x509.oid import ExtendedKeyUsageOID

    cert, key = directory / f"{name}.der", directory / f"{name}.pem"
    use = [ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH]
    await setup_self_signed_certificate(key, cert, uri, _socket.gethostname(), use, {"commonName": name})
    return cert, key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def unit_table() -> dict[str, tuple[int, str]]:
    import csv

    with open(OPCUA_DIR / "UNECE_to_OPCUA.csv", encoding="utf-8-sig") as f:
        return {r["UNECECode"]: (int(r["UnitId"]), r["DisplayName"]) for r in csv.DictReader(f)}


# What the test machine holds: browse path under the machine -> (value, UNECE code of the unit or None)
IMM_VALUES: dict[str, tuple[Any, str | None]] = {
    "Jobs/ActiveJob/MouldId": ("M-4711", None),
    "Jobs/ActiveJob/NumCavities": (2, None),
    "Jobs/ActiveJob/ExpectedCycleTime": (35000.0, None),          # Duration: ms -> model s
    "Jobs/ActiveJob/NominalParts": (5000, None),
    "Jobs/ActiveJob/ProductionDatasetName": ("ECB-2614.ds", None),
    "Jobs/ActiveJob/ProductName": (["ECB-2614 RH", "ECB-2614 LH"], None),
    "Jobs/ActiveJob/Material": (["PA66-GF30"], None),
    "InjectionUnits/InjectionUnit_1/CycleParameters/Index": (1, None),
    "InjectionUnits/InjectionUnit_1/CycleParameters/InjectionTime": (1250.0, None),    # Duration ms -> 1.25 s
    "InjectionUnits/InjectionUnit_1/CycleParameters/DosingTime": (8400.0, None),       # ms -> 8.4 s
    "InjectionUnits/InjectionUnit_1/CycleParameters/CushionStroke": (0.52, "CMT"),     # cm -> 5.2 mm
    "InjectionUnits/InjectionUnit_1/CycleParameters/SpecificPressureMaximum": (98.5, "MPA"),  # MPa -> 985 bar
    "InjectionUnits/InjectionUnit_1/CycleParameters/TransferSpecificPressure": (720.0, "BAR"),
    "InjectionUnits/InjectionUnit_1/CycleParameters/InjectionSpeedMaximum": (85.0, "C16"),
}
ZONES = [("Nozzle", 285.0, 290.0), ("Barrel 1", 280.0, 280.0), ("Barrel 2", 270.0, 275.0)]
EVENT = {"JobCycleCounter": 1842, "CycleTime": 35200.0, "JobName": "JOB-2026-11-0042",
         "CurrentLotName": "LOT-20261125-03", "MachineCycleCounter": 98211, "JobGoodPartsCounter": 3680,
         "JobBadPartsCounter": 4, "PartId": "SN-000123"}
EXPECTED_IMM = {
    "ProcessParameters.Processes.Process[0].ResourceParameters.MouldId": "M-4711",
    "ProcessParameters.Processes.Process[0].ResourceParameters.NumCavities": 2,
    "ProcessParameters.Processes.Process[0].ProcessParameters.ExpectedCycleTime": 35.0,
    "ProcessParameters.Processes.Process[0].ProcessParameters.NominalParts": 5000,
    "ProcessParameters.Processes.Process[0].ProductParameters.ProductName": "ECB-2614 RH, ECB-2614 LH",
    "ProcessData.InjectionUnits[0].Index": 1,
    "ProcessData.InjectionUnits[0].InjectionTime": 1.25,
    "ProcessData.InjectionUnits[0].DosingTime": 8.4,
    "ProcessData.InjectionUnits[0].CushionStroke": 5.2,
    "ProcessData.InjectionUnits[0].SpecificPressureMaximum": 985.0,
    "ProcessData.InjectionUnits[0].TransferSpecificPressure": 720.0,
    "ProcessData.InjectionUnits[0].InjectionSpeedMaximum": 85.0,
    "ProcessData.TemperatureZones[0].Name": "Nozzle",
    "ProcessData.TemperatureZones[0].ActualTemperature": 285.0,
    "ProcessData.TemperatureZones[2].ActualTemperature": 270.0,
    "ProcessData.CycleCounter": 1842,
    "ProcessData.CycleTime": 35.2,
    "ProcessData.JobName": "JOB-2026-11-0042",
    "ProcessData.PartIds[0]": "SN-000123",
    "ProcessData.CurrentLotName": "LOT-20261125-03",
}


# The machine tool: browse path under the machine -> (value, UNECE code)
MT_VALUES: dict[str, tuple[Any, str | None]] = {
    "CncInterface/CncChannelList/Channel_1/ActMainProgramName": ("O1234.nc", None),
    "CncInterface/CncChannelList/Channel_1/ActFeedrate": (2.4, "2X"),             # m/min -> 2400 mm/min
    "CncInterface/CncChannelList/Channel_1/CmdFeedrate": (2.5, "2X"),
    "CncInterface/CncChannelList/Channel_1/ToolId": (12, None),
    "CncInterface/CncSpindleList/Spindle_1/ActSpeed": (200.0, "RPS"),            # 1/s -> 12000 1/min
    "CncInterface/CncSpindleList/Spindle_1/CmdSpeed": (210.0, "RPS"),
    "CncInterface/CncSpindleList/Spindle_1/ActLoad": (42.0, "P1"),
    "CncInterface/CncSpindleList/Spindle_1/ActPower": (7.5, "KWT"),             # kW -> 7500 W
    "Monitoring/Channel_1/FeedOverride": (100.0, "P1"),
    "Monitoring/Spindle_1/Override": (95.0, "P1"),
}
# Feed axes of the machine tool (CncAxisType in CncAxisList): name -> drive load in %
AXES = {"X": 18.0, "Y": 21.5, "Z": 33.0}

EXPECTED_MT = {
    "ProcessData.NCProgramName": "O1234.nc",
    "ProcessData.FeedRate": 2400.0,
    "ProcessData.SpindleSpeed": 12000.0,
    "ProcessData.SpindleLoad": 42.0,
    "ProcessData.SpindlePower": 7500.0,
    "ProcessData.FeedOverride": 100.0,
    "ProcessData.SpindleOverride": 95.0,
    "ProcessData.ActiveToolNumber": 12,
    "ProcessParameters.Processes.Process[0].ProcessParameters.SpindleSpeedSetpoint": 12600.0,
    "ProcessParameters.Processes.Process[0].ProcessParameters.FeedRateSetpoint": 2500.0,
}


@dataclass
class Machines:
    url: str
    port: int
    imm: list[str] = field(default_factory=list)      # NodeIds of the IMM machines
    machine_tools: list[str] = field(default_factory=list)
    other: str = ""                                   # NodeId of an object of another type
    import_seconds: float = 0.0
    setpoints: dict[str, Any] = field(default_factory=dict)


async def _build(server: Any, machines: Machines, *, imm_count: int, omit: set[str], extra_zones: int,
                 machine_tools: int) -> None:
    from asyncua import ua

    t0 = time.perf_counter()
    for f in IMM_NODESETS[:1] + (IMM_NODESETS[1:] if imm_count else []) + (MT_NODESETS if machine_tools else []):
        await server.import_xml(str(OPCUA_DIR / f), strict_mode=False)
    machines.import_seconds = time.perf_counter() - t0
    own = await server.register_namespace("urn:aas-refmodels:test")
    if imm_count:
        gt = await server.get_namespace_index(GT)
        imm = await server.get_namespace_index(IMM)
    units = unit_table()
    objects = server.nodes.objects

    async def child(node: Any, path: str) -> Any:
        for part in path.split("/"):
            nxt = None
            for c in await node.get_children():
                if (await c.read_browse_name()).Name == part:
                    nxt = c
                    break
            if nxt is None:
                raise KeyError(path)
            node = nxt
        return node

    async def put(node: Any, value: Any, code: str | None) -> None:
        dt = await node.read_data_type()
        if isinstance(value, list):
            variant = ua.Variant(value, ua.VariantType.String)
        elif dt == ua.NodeId(ua.ObjectIds.Duration) or isinstance(value, float):
            variant = ua.Variant(float(value), ua.VariantType.Double)
        elif dt == ua.NodeId(ua.ObjectIds.UInt32):
            variant = ua.Variant(int(value), ua.VariantType.UInt32)
        elif dt == ua.NodeId(ua.ObjectIds.UInt64):
            variant = ua.Variant(int(value), ua.VariantType.UInt64)
        elif isinstance(value, bool):
            variant = ua.Variant(value, ua.VariantType.Boolean)
        elif isinstance(value, str):
            variant = ua.Variant(value, ua.VariantType.String)
        else:
            variant = ua.Variant(value)
        await node.write_value(variant)
        if code is not None:
            uid, disp = units[code]
            eu = ua.EUInformation(NamespaceUri=UNECE, UnitId=uid, DisplayName=ua.LocalizedText(disp),
                                  Description=ua.LocalizedText(disp))
            try:
                eun = await child(node, "EngineeringUnits")
            except KeyError:
                eun = await node.add_property(0, "EngineeringUnits", eu)
            await eun.write_value(ua.Variant(eu, ua.VariantType.ExtensionObject))

    # InjectionUnitCycleParametersType is abstract: a machine vendor exposes a concrete subtype
    if imm_count:
        base = server.get_node(ua.NodeId(1039, imm))
        vendor_type = await base.add_object_type(own, "VendorInjectionUnitCycleParametersType")
    for m in range(imm_count):
        name = f"IMM{m + 1}"
        mach = await objects.add_object(ua.NodeId(name, own), ua.QualifiedName(name, own),
                                        objecttype=ua.NodeId(1007, imm), instantiate_optional=True)
        machines.imm.append(mach.nodeid.to_string())
        units_folder = await child(mach, "InjectionUnits")
        iu = await units_folder.add_object(ua.NodeId(f"{name}.IU1", own), ua.QualifiedName("InjectionUnit_1", imm),
                                           objecttype=ua.NodeId(1028, imm), instantiate_optional=True)
        await iu.add_object(ua.NodeId(f"{name}.IU1.CP", own), ua.QualifiedName("CycleParameters", imm),
                            objecttype=vendor_type.nodeid, instantiate_optional=True)
        zones = await child(iu, "TemperatureZones")
        all_zones = ZONES + [(f"Zone {k}", 200.0 + k, 200.0 + k) for k in range(extra_zones)]
        for k, (zname, actual, nominal) in enumerate(all_zones):
            z = await zones.add_object(ua.NodeId(f"{name}.Z{k + 1}", own), ua.QualifiedName(f"TemperatureZone_{k + 1}", gt),
                                       objecttype=ua.NodeId(1030, gt), instantiate_optional=True)
            await put(await child(z, "Name"), zname, None)
            if "ActualTemperature" not in omit:
                if k == 0:  # °F on the wire, °C in the model
                    await put(await child(z, "ActualTemperature"), actual * 9 / 5 + 32, "FAH")
                else:
                    await put(await child(z, "ActualTemperature"), actual, "CEL")
            await put(await child(z, "NominalTemperature"), nominal, "CEL")
            await put(await child(z, "Index"), k + 1, None)
        for path, (value, code) in IMM_VALUES.items():
            if path.rsplit("/", 1)[-1] in omit:
                continue
            if m == 1 and path.endswith("InjectionSpeedMaximum"):
                code = "SEC"  # the second machine states a unit that cannot be a speed (a type mismatch)
            await put(await child(mach, path), value, code)
        if m == 1:  # the second machine lacks some nodes: a mandatory one (DosingTime) and all ActualTemperatures
            gone = [await child(mach, "InjectionUnits/InjectionUnit_1/CycleParameters/DosingTime")]
            gone += [await child(zones, f"TemperatureZone_{k + 1}/ActualTemperature") for k in range(len(all_zones))]
            await server.delete_nodes(gone, recursive=True)
    if machine_tools:
        mt = await server.get_namespace_index(MT)
        cnc = await server.get_namespace_index(CNC)
    for m in range(machine_tools):
        name = f"VMC{m + 1}"
        mach = await objects.add_object(ua.NodeId(name, own), ua.QualifiedName(name, own),
                                        objecttype=ua.NodeId(13, mt), instantiate_optional=True)
        machines.machine_tools.append(mach.nodeid.to_string())
        iface = await mach.add_object(ua.NodeId(f"{name}.CNC", own), ua.QualifiedName("CncInterface", cnc),
                                      objecttype=ua.NodeId(1007, cnc), instantiate_optional=True)
        await (await child(iface, "CncChannelList")).add_object(
            ua.NodeId(f"{name}.CH1", own), ua.QualifiedName("Channel_1", cnc), objecttype=ua.NodeId(1002, cnc),
            instantiate_optional=True)
        axes = await child(iface, "CncAxisList")
        for axis in AXES:  # feed axes, named by their browse name (CNC has no axis-name variable)
            a = await axes.add_object(ua.NodeId(f"{name}.AX{axis}", own), ua.QualifiedName(axis, cnc),
                                      objecttype=ua.NodeId(1004, cnc), instantiate_optional=True)
            await put(await child(a, "ActLoad"), AXES[axis], "P1")
        await (await child(iface, "CncSpindleList")).add_object(
            ua.NodeId(f"{name}.SP1", own), ua.QualifiedName("Spindle_1", cnc), objecttype=ua.NodeId(1005, cnc),
            instantiate_optional=True)
        monitoring = await child(mach, "Monitoring")
        await monitoring.add_object(ua.NodeId(f"{name}.MCH1", own), ua.QualifiedName("Channel_1", mt),
                                    objecttype=ua.NodeId(16, mt), instantiate_optional=True)
        await monitoring.add_object(ua.NodeId(f"{name}.MSP1", own), ua.QualifiedName("Spindle_1", mt),
                                    objecttype=ua.NodeId(22, mt), instantiate_optional=True)
        tools = await child(mach, "Equipment/Tools")
        for k in (1, 2):
            tool = await tools.add_object(ua.NodeId(f"{name}.T{k}", own), ua.QualifiedName(f"Tool_{k}", mt),
                                          objecttype=ua.NodeId(50, mt), instantiate_optional=True)
            await put(await child(tool, "ControlIdentifier1"), 10 + k, None)
            await put(await child(tool, "Locked"), k == 2, None)
        for path, (value, code) in MT_VALUES.items():
            await put(await child(mach, path), value, code)
    other = await objects.add_object(ua.NodeId("NotAMachine", own), ua.QualifiedName("NotAMachine", own))
    machines.other = other.nodeid.to_string()


async def _emit_events(server: Any, machines: Machines, stop: asyncio.Event) -> None:
    from asyncua import ua

    if not machines.imm:
        await stop.wait()
        return
    gt = await server.get_namespace_index(GT)
    gens = []
    for nid in machines.imm:
        gen = await server.get_event_generator(ua.NodeId(1038, gt), ua.NodeId.from_string(nid))
        for k, v in EVENT.items():  # the declarations hold no value: give each field its variant type
            vt = ua.VariantType.String if isinstance(v, str) else \
                ua.VariantType.Double if isinstance(v, float) else ua.VariantType.UInt64
            gen.event.add_property(k, v, vt)
        gen.event.Severity = 100
        gens.append(gen)
    others = [await server.get_event_generator(ua.ObjectIds.BaseEventType, ua.NodeId.from_string(nid))
              for nid in machines.imm]  # other events from the same machine, which collect must skip
    while not stop.is_set():
        for other in others:
            other.event.Message = ua.LocalizedText("alarm acknowledged")
            await other.trigger()
        for gen in gens:
            gen.event.Message = ua.LocalizedText("cycle end")
            gen.event.MachineCycleCounter += 1  # one more cycle of the machine per event
            await gen.trigger()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.05)


@contextlib.contextmanager
def running_server(*, imm_count: int = 1, omit: set[str] | frozenset[str] = frozenset(),
                   extra_zones: int = 0, machine_tools: int = 0,
                   secure: tuple[Path, Path] | None = None, plain: bool = True) -> Iterator[Machines]:
    """Start the server in a thread with its own event loop; stop it on exit."""
    from asyncua import Server

    port = free_port()
    machines = Machines(f"opc.tcp://127.0.0.1:{port}", port)
    ready = threading.Event()
    errors: list[BaseException] = []
    loop = asyncio.new_event_loop()
    stop_holder: dict[str, asyncio.Event] = {}

    async def main() -> None:
        server = Server()
        await server.init()
        server.set_endpoint(machines.url)
        server.set_server_name("aas-refmodels test machine")
        if secure is not None:  # Basic256Sha256 SignAndEncrypt, and unsecured sessions only if ``plain``
            from asyncua import ua

            await server.load_certificate(str(secure[0]))
            await server.load_private_key(str(secure[1]))
            policies = [ua.SecurityPolicyType.Basic256Sha256_SignAndEncrypt]
            server.set_security_policy([ua.SecurityPolicyType.NoSecurity, *policies] if plain else policies)
        try:
            await _build(server, machines, imm_count=imm_count, omit=set(omit), extra_zones=extra_zones,
                         machine_tools=machine_tools)
            stop = asyncio.Event()
            stop_holder["stop"] = stop
            async with server:
                ready.set()
                await _emit_events(server, machines, stop)
        except BaseException as exc:
            errors.append(exc)
            ready.set()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(main())

    import logging

    logging.getLogger("asyncua").setLevel(logging.ERROR)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(120)
    if errors:
        raise errors[0]
    try:
        yield machines
    finally:
        if "stop" in stop_holder:
            loop.call_soon_threadsafe(stop_holder["stop"].set)
        thread.join(30)
