"""Build every example instance with the library (what an integration engineer's MES adapter would do).

    python examples/build_examples.py OUT_DIR

For each process: examples/<process>/values.json -> OUT_DIR/<process>.aasx (metamodel V3.1) and
OUT_DIR/<process>.v30.json (V3.0, for tools that only read 3.0). For machining also the complete shell of
one machine (Nameplate, TechnicalData, process submodels) with its logo and thumbnail embedded.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from aas_refmodels import build_instance, build_shell, load_model, write
from aas_refmodels.io import Thumbnail

HERE = Path(__file__).resolve().parent


def main(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for folder in sorted(p for p in HERE.iterdir() if (p / "values.json").is_file()):
        spec = load_model(folder.name)
        values = json.loads((folder / "values.json").read_text(encoding="utf-8"))
        built = build_instance(spec, values, asset_id=f"https://factory.example.kr/asset/{folder.name}-01",
                               attachments_dir=folder)
        written.append(write(built.objects(), out / f"{folder.name}.aasx", attachments=built.attachments))
        written.append(write(built.objects(), out / f"{folder.name}.v30.json", spec_version="3.0"))

    machining = HERE / "machining"
    shell = build_shell(
        load_model("machining"),
        values=json.loads((machining / "shell-values.json").read_text(encoding="utf-8")),
        asset_id="https://hanbit-machinery.example/asset/HB-VMC850-2611-0042",
        thumbnail="/aasx/thumbnail.png",
        attachments_dir=machining,
    )
    thumb = Thumbnail("/aasx/thumbnail.png", (machining / "thumbnail.png").read_bytes(), "image/png")
    written.append(write(shell.objects(), out / "machining-shell.aasx", attachments=shell.attachments,
                         thumbnail=thumb))
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
    for path in main(target):
        print(path)
