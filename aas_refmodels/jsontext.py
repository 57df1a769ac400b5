"""One rule for the text of every JSON file the package reads (values files, AAS environments, validate input).

UTF-8, with or without a byte-order mark. Anything else is an error that says what the bytes look like:
UTF-16/UTF-32 (by their BOM) or CP949/EUC-KR (Korean Windows software), with the command that converts them.
"""

from __future__ import annotations

import json
from typing import Any

_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"),
         (b"\xfe\xff", "UTF-16"))
CONVERT_HINT = ("convert it to UTF-8, e.g. `iconv -f CP949 -t UTF-8 in.json > out.json` or in Python "
                "`Path('out.json').write_text(Path('in.json').read_text(encoding='cp949'), encoding='utf-8')`")


class JsonTextError(ValueError):
    """The bytes are not UTF-8 JSON text; ``offset`` is the first offending byte."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message, self.offset = message, offset


def decode_json_text(data: bytes) -> str:
    """The text of a JSON file: UTF-8 with or without BOM; ``JsonTextError`` (one line, with a hint) otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        for bom, name in _BOMS:
            if data.startswith(bom):
                raise JsonTextError(f"the file is {name}, not UTF-8: " + CONVERT_HINT.replace("CP949", name),
                                    0) from None
        if _looks_korean(data):
            raise JsonTextError(f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not UTF-8; the file looks "
                                f"like CP949/EUC-KR (Korean Windows encoding): {CONVERT_HINT}", exc.start) from None
        raise JsonTextError(f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not valid UTF-8",
                            exc.start) from None


def _looks_korean(data: bytes) -> bool:
    try:
        text = data.decode("cp949")
    except UnicodeDecodeError:
        return False
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


def _parse_int(text: str) -> Any:
    """Integers beyond Python's int/str conversion limit stay exact as Decimal (the builder refuses them)."""
    import decimal

    return int(text) if len(text) < 4000 else decimal.Decimal(text)


def loads(data: bytes | str) -> Any:
    """Parse JSON text by the one rule; ``JsonTextError`` for bad bytes, ``ValueError`` (one line) for bad JSON."""
    text = decode_json_text(data) if isinstance(data, bytes) else data
    try:
        return json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise ValueError("not readable: JSON nested too deeply for the parser") from None
