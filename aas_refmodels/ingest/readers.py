"""Row sources, streamed: CSV (UTF-8, UTF-8 with BOM, CP949/EUC-KR detected), xlsx (openpyxl, read-only),
JSON Lines and Parquet (pyarrow). Each yields ``(row number, {column: value}, problem)``; the row number is the
one a user sees (CSV/xlsx: the header is row 1; JSON Lines: the line). Blank rows are no records and skipped.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ReadError

Row = tuple[int, dict[str, Any], str | None]
KINDS = ("csv", "xlsx", "jsonl", "parquet")
_SUFFIX = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".jsonl": "jsonl",
           ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
_SAMPLE = 1 << 20


@dataclass
class Table:
    """An opened input: its columns (known up front for CSV/xlsx/Parquet; from the first rows for JSON Lines)."""

    path: Path
    kind: str
    columns: list[str]
    encoding: str | None = None
    sheet: str | None = None
    _rows: Iterator[Row] | None = field(default=None, repr=False)
    _closers: list[Any] = field(default_factory=list, repr=False)

    def rows(self) -> Iterator[Row]:
        assert self._rows is not None
        return self._rows

    def close(self) -> None:
        for c in self._closers:
            c.close()
        self._closers.clear()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def kind_of(path: Path, given: str | None = None) -> str:
    if given:
        if given not in KINDS:
            raise ReadError(f"unknown input kind {given!r} (one of {', '.join(KINDS)})")
        return given
    kind = _SUFFIX.get(path.suffix.lower())
    if kind is None:
        raise ReadError(f"{path.name}: cannot tell the input kind from the suffix; use --input-kind "
                        f"{'|'.join(KINDS)}")
    return kind


def open_table(path: str | Path, *, kind: str | None = None, encoding: str | None = None,
               sheet: str | int | None = None, delimiter: str | None = None) -> Table:
    """Open an input file; ``ReadError`` (one line) if it cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise ReadError(f"{path}: no such file")
    k = kind_of(path, kind)
    if k == "csv":
        return _csv(path, encoding, delimiter or ("\t" if path.suffix.lower() == ".tsv" else ","))
    if k == "xlsx":
        return _xlsx(path, sheet)
    if k == "jsonl":
        return _jsonl(path, encoding)
    return _parquet(path)


# ------------------------------------------------------------------------------------------- CSV

def detect_encoding(sample: bytes) -> str:
    """``utf-8-sig`` (BOM), ``utf-8``, else ``cp949`` (a superset of EUC-KR) when the sample decodes as such."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("cp949")().decode(sample, final=False)
        return "cp949"
    except UnicodeDecodeError:
        raise ReadError("the file is neither UTF-8 nor CP949/EUC-KR text; give --encoding") from None


def _csv(path: Path, encoding: str | None, delimiter: str) -> Table:
    with path.open("rb") as f:
        sample = f.read(_SAMPLE)
    try:
        enc = encoding or detect_encoding(sample)
        codecs.lookup(enc)
    except LookupError:
        raise ReadError(f"unknown encoding {encoding!r}") from None
    except ReadError as exc:
        raise ReadError(f"{path}: {exc}") from None
    if enc.replace("_", "-").lower() in ("utf-8", "utf8") and sample.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    handle = path.open("r", encoding=enc, newline="")
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        header = next(reader, None)
    except (UnicodeDecodeError, csv.Error) as exc:
        handle.close()
        raise ReadError(f"{path}: the header cannot be read as {enc}: {exc}") from None
    if not header:
        handle.close()
        raise ReadError(f"{path}: the file is empty (no header row)")
    columns = _header(path, [h.strip() for h in header])

    def rows() -> Iterator[Row]:
        n = 1
        width = len(columns)
        try:
            for cells in reader:
                n = reader.line_num
                if not cells or all(not c.strip() for c in cells):
                    continue
                problem = None
                if len(cells) != width:
                    problem = f"the row has {len(cells)} cells, the header {width}"
                values = dict(zip(columns, cells, strict=False))
                yield n, values, problem
        except UnicodeDecodeError:
            raise ReadError(f"{path}: after line {n}: not {enc} text; give --encoding") from None
        except csv.Error as exc:
            raise ReadError(f"{path}: line {reader.line_num}: {exc}") from None

    return Table(path, "csv", columns, enc, None, rows(), [handle])


def _header(path: Path, header: list[str]) -> list[str]:
    seen: set[str] = set()
    for i, h in enumerate(header):
        if not h:
            raise ReadError(f"{path}: column {i + 1} of the header is empty")
        if h in seen:
            raise ReadError(f"{path}: column {h!r} appears twice in the header")
        seen.add(h)
    return header


# ------------------------------------------------------------------------------------------- xlsx

def _xlsx(path: Path, sheet: str | int | None) -> Table:
    import zipfile

    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ReadError(f"{path}: not a readable xlsx workbook ({exc})") from None
    try:
        if sheet is None:
            ws = wb.worksheets[0]
        elif isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit() and sheet not in wb.sheetnames):
            ws = wb.worksheets[int(sheet)]
        else:
            ws = wb[sheet]
    except (KeyError, IndexError):
        wb.close()
        raise ReadError(f"{path}: no sheet {sheet!r} (sheets: {', '.join(wb.sheetnames)})") from None
    it = ws.iter_rows(values_only=True)
    header_row = 0
    header: list[str] = []
    for cells in it:
        header_row += 1
        if any(c is not None and str(c).strip() for c in cells):
            while cells and (cells[-1] is None or not str(cells[-1]).strip()):
                cells = cells[:-1]
            header = [str(c).strip() if c is not None else "" for c in cells]
            break
    if not header:
        wb.close()
        raise ReadError(f"{path}: sheet {ws.title!r} is empty (no header row)")
    columns = _header(path, header)

    def rows() -> Iterator[Row]:
        n = header_row
        width = len(columns)
        for cells in it:
            n += 1
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            extra = [c for c in cells[width:] if c is not None and str(c).strip()]
            problem = f"the row has cells beyond the header's {width} columns" if extra else None
            values = {c: (cells[i] if i < len(cells) else None) for i, c in enumerate(columns)}
            yield n, values, problem

    return Table(path, "xlsx", columns, None, ws.title, rows(), [wb])


# ------------------------------------------------------------------------------------------- JSON Lines

def _jsonl(path: Path, encoding: str | None) -> Table:
    enc = encoding or "utf-8-sig"
    columns: list[str] = []
    seen: set[str] = set()
    try:
        with path.open("r", encoding=enc) as f:
            for i, line in enumerate(f):
                if i >= 1000:
                    break
                try:
                    obj = json.loads(line) if line.strip() else None
                except ValueError:
                    continue
                if isinstance(obj, dict):
                    for k in obj:
                        if k not in seen:
                            seen.add(k)
                            columns.append(str(k))
    except UnicodeDecodeError:
        raise ReadError(f"{path}: not {enc} text; give --encoding") from None
    handle = path.open("r", encoding=enc)

    def rows() -> Iterator[Row]:
        n = 0
        try:
            for line in handle:
                n += 1
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as exc:
                    yield n, {"_line": line.rstrip("\n")}, f"not a JSON object ({exc.args[0] if exc.args else exc})"
                    continue
                if not isinstance(obj, dict):
                    yield n, {"_line": line.rstrip("\n")}, "not a JSON object"
                    continue
                yield n, obj, None
        except UnicodeDecodeError:
            raise ReadError(f"{path}: line {n + 1}: not {enc} text; give --encoding") from None

    return Table(path, "jsonl", columns, enc, None, rows(), [handle])


# ------------------------------------------------------------------------------------------- Parquet

def _parquet(path: Path) -> Table:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ReadError("Parquet input needs pyarrow: pip install 'aas-refmodels[parquet]'") from None
    try:
        pf = pq.ParquetFile(str(path))
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for unreadable files
        raise ReadError(f"{path}: not a readable Parquet file ({exc})") from None
    columns = [str(c) for c in pf.schema_arrow.names]

    def rows() -> Iterator[Row]:
        n = 1
        for batch in pf.iter_batches(batch_size=8192):
            for row in batch.to_pylist():
                n += 1
                yield n, row, None

    return Table(path, "parquet", columns, None, None, rows(), [])
