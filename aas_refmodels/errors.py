"""Exceptions: each means "could not run". Invalid models are findings, not exceptions.

AasRefModelsError
 ├── SpecError            a spec file is malformed (names the file and the JSON path)
 ├── ModelNotFoundError   no reference model of that name / version
 ├── ValuesError          values for an instance are invalid (lists every problem)
 ├── ConversionError      a construct has no form in the requested metamodel version
 ├── ReadError            a file cannot be read or parsed as an AAS environment
 └── WriteError           an output file cannot be written (names the user's path, never a temporary file)
"""

from __future__ import annotations

from collections.abc import Sequence


class AasRefModelsError(Exception):
    """Root of all aas_refmodels exceptions."""


class SpecError(AasRefModelsError):
    def __init__(self, file: str, json_path: str, message: str) -> None:
        self.file, self.json_path, self.message = file, json_path, message
        super().__init__(f"{file}: {json_path}: {message}")


class ModelNotFoundError(AasRefModelsError):
    pass


class ProblemListError(AasRefModelsError):
    """An error made of several located problems, reported together."""

    def __init__(self, headline: str, problems: Sequence[tuple[str, str]]) -> None:
        self.headline = headline
        self.problems = tuple(problems)
        lines = [f"{headline} ({len(self.problems)} problem{'s' if len(self.problems) != 1 else ''})"]
        lines += [f"  {path}: {message}" for path, message in self.problems]
        super().__init__("\n".join(lines))


class ValuesError(ProblemListError):
    """Values given for an instance do not fit the reference model: (path, message) per problem."""


class ConversionError(ProblemListError):
    """The environment cannot be expressed in the requested metamodel version."""


class ReadError(AasRefModelsError):
    pass


class WriteError(AasRefModelsError):
    """An output cannot be written: missing folder, non-regular target, read-only folder, disk full."""
