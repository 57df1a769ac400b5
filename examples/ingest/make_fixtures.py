"""Generate the ingest fixtures: realistic, small (200 rows), deterministic.

    python examples/ingest/make_fixtures.py

- injection-molding.csv   CP949, Korean headers, an MES export of shots (pressure in MPa, OK/NG judgement, remarks)
- machining.xlsx          an xlsx sheet "Cycles" with English snake_case headers, units in the names
- welding.jsonl           JSON Lines from a weld controller (travel speed in cm/min, current in A)
and a mapping file for each (``*.map.yaml``) in the format ``aasref map init`` drafts.
"""

from __future__ import annotations

import csv
import datetime
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROWS = 200
KST = datetime.timezone(datetime.timedelta(hours=9))
START = datetime.datetime(2026, 11, 25, 8, 0, 0)


def injection_molding(rng: random.Random) -> None:
    header = ["일시", "설비", "샷번호", "사이클타임(s)", "사출시간(s)", "계량시간(s)", "최대사출압력(MPa)",
              "수지온도(°C)", "쿠션량(mm)", "형체력(kN)", "생산수량", "불량수량", "판정", "비고"]
    remarks = ["", "", "", "금형 청소 후", "수지 교체", "", "작업자 교대", "", "", "온도 안정화 중"]
    t = START
    with (HERE / "injection-molding.csv").open("w", encoding="cp949", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        for i in range(ROWS):
            cycle = round(rng.gauss(31.5, 0.4), 2)
            t += datetime.timedelta(seconds=cycle)
            ng = rng.random() < 0.04
            w.writerow([t.strftime("%Y-%m-%d %H:%M:%S"), "IMM-07", 2611250001 + i, cycle,
                        round(rng.gauss(1.8, 0.05), 3), round(rng.gauss(9.4, 0.2), 2),
                        round(rng.gauss(64.2, 1.5), 1), round(rng.gauss(231.0, 1.2), 1) if i % 17 else "-",
                        round(rng.gauss(4.8, 0.15), 2), round(rng.gauss(2450, 20)), 2, 2 if ng else 0,
                        "NG" if ng else "OK", rng.choice(remarks)])
    (HERE / "injection-molding.map.yaml").write_text("""\
# aasref ingest mapping: injection moulding shots from an MES export (CP949 CSV, Korean headers)
model: injection-molding
timezone: Asia/Seoul
absent: ["", "-", "NA"]
record_key: 샷번호
timestamp: 일시
columns:
  일시: {path: ProcessData.StartTime, format: "%Y-%m-%d %H:%M:%S"}
  설비: {ignore: true}
  샷번호: {path: ProcessData.CycleCounter}
  사이클타임(s): {path: ProcessData.CycleTime, unit: s}
  사출시간(s): {path: "ProcessData.InjectionUnits[0].InjectionTime", unit: s}
  계량시간(s): {path: "ProcessData.InjectionUnits[0].DosingTime", unit: s}
  최대사출압력(MPa): {path: "ProcessData.InjectionUnits[0].SpecificPressureMaximum", unit: MPa}
  수지온도(°C): {path: ProcessData.MeltTemperature, unit: °C}
  쿠션량(mm): {path: "ProcessData.InjectionUnits[0].CushionStroke", unit: mm}
  형체력(kN): {path: ProcessData.ClampingForce, unit: kN}
  생산수량: {path: ProcessData.ProducedQuantity}
  불량수량: {path: ProcessData.ScrapQuantity}
  판정:
    path: ProcessData.ResultEvaluation
    values: {OK: OK, NG: NotOK}
  비고: {ignore: true}
constants:
  ProcessData.ProcessType: InjectionMolding
  ProcessData.JobName: JOB-2611-07
  "ProcessData.InjectionUnits[0].Index": 1
""", encoding="utf-8")


def machining(rng: random.Random) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cycles"
    ws.append(["timestamp", "program", "part_no", "cycle_time_s", "spindle_speed_rpm", "feed_mm_min",
               "spindle_load_%", "cutting_time_min", "tool_no", "result", "parts"])
    t = START
    for i in range(ROWS):
        cycle = round(rng.gauss(184.0, 3.0), 1)
        t += datetime.timedelta(seconds=cycle + 20)
        ws.append([t, "O1234", f"SN-{100000 + i}", cycle, rng.choice([8000, 8000, 9500, 12000]),
                   round(rng.gauss(1800, 60)), round(rng.uniform(35, 78), 1), round(cycle / 60 * 0.8, 3),
                   rng.choice([1, 3, 7, 12]), "NG" if rng.random() < 0.03 else "OK", 1])
    wb.save(HERE / "machining.xlsx")
    (HERE / "machining.map.yaml").write_text("""\
# aasref ingest mapping: CNC machining cycles from an xlsx sheet
model: machining
sheet: Cycles
record_key: part_no
timestamp: timestamp
columns:
  timestamp: {path: ProcessData.StartTime}
  program: {path: ProcessData.NCProgramName}
  part_no: {path: ProcessData.ProductId}
  cycle_time_s: {path: ProcessData.CycleTime, unit: s}
  spindle_speed_rpm: {path: ProcessData.SpindleSpeed, unit: rpm}
  feed_mm_min: {path: ProcessData.FeedRate, unit: mm/min}
  spindle_load_%: {path: ProcessData.SpindleLoad, unit: "%"}
  cutting_time_min: {path: ProcessData.CuttingTime, unit: min}
  tool_no: {path: ProcessData.ActiveToolNumber}
  result:
    path: ProcessData.ResultEvaluation
    values: {OK: OK, NG: NotOK}
  parts: {path: ProcessData.ProducedQuantity}
constants:
  ProcessData.ProcessType: Machining
""", encoding="utf-8")


def welding(rng: random.Random) -> None:
    t = START.replace(tzinfo=KST)
    with (HERE / "welding.jsonl").open("w", encoding="utf-8") as f:
        for i in range(ROWS):
            arc = round(rng.gauss(12.0, 0.8), 2)
            t += datetime.timedelta(seconds=arc + rng.uniform(20, 40))
            row = {"time": t.isoformat(), "weld_id": f"W-{i + 1:05d}", "seam": f"S{i % 4 + 1}",
                   "current_A": round(rng.gauss(235, 4), 1), "voltage_V": round(rng.gauss(24.5, 0.3), 2),
                   "wire_speed_m_min": round(rng.gauss(9.5, 0.2), 2),
                   "travel_speed_cm_min": round(rng.gauss(42, 1.5), 1), "gas_l_min": round(rng.gauss(17, 0.5), 1),
                   "arc_time_s": arc, "judgement": "OK" if rng.random() > 0.02 else "NG"}
            if i % 23 == 5:
                row["gas_l_min"] = None
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    (HERE / "welding.map.yaml").write_text("""\
# aasref ingest mapping: arc welds from a weld controller (JSON Lines)
model: welding
record_key: weld_id
timestamp: time
columns:
  time: {path: ProcessData.StartTime}
  weld_id: {path: ProcessData.JointId}
  seam: {path: ProcessData.SeamId}
  current_A: {path: ProcessData.WeldingCurrent, unit: A}
  voltage_V: {path: ProcessData.ArcVoltage, unit: V}
  wire_speed_m_min: {path: ProcessData.WireFeedSpeed, unit: m/min}
  travel_speed_cm_min: {path: ProcessData.TravelSpeed, unit: cm/min}
  gas_l_min: {path: ProcessData.GasFlowRate, unit: l/min}
  arc_time_s: {path: ProcessData.ArcTime, unit: s}
  judgement:
    path: ProcessData.ResultEvaluation
    values: {OK: OK, NG: NotOK}
constants:
  ProcessData.ProcessType: Welding
  ProcessData.WeldingProcessNumber: "135"
""", encoding="utf-8")


def main() -> None:
    rng = random.Random(20261125)
    injection_molding(rng)
    machining(rng)
    welding(rng)


if __name__ == "__main__":
    main()
