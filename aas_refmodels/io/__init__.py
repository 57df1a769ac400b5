"""File formats: JSON, XML and AASX, metamodel V3.1 (default) and V3.0."""

from .reader import ReadResult, detect_format, read
from .safety import Limits
from .versions import SPEC_VERSIONS, SpecVersion
from .writer import FORMATS, Format, Thumbnail, aasx_bytes, format_of, serialize, write

__all__ = [
    "FORMATS",
    "SPEC_VERSIONS",
    "Format",
    "Limits",
    "ReadResult",
    "SpecVersion",
    "Thumbnail",
    "aasx_bytes",
    "detect_format",
    "format_of",
    "read",
    "serialize",
    "write",
]
