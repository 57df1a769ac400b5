"""Turn library exceptions into one line per problem on stderr and the documented exit code."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click

from ..errors import AasRefModelsError, ModelNotFoundError, ProblemListError, SpecError

EXIT_INVALID, EXIT_USAGE, EXIT_CANNOT_RUN = 1, 2, 3


def _cut(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters (a problem never floods the terminal with a huge value)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fail(message: str, code: int) -> None:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(code)


@contextlib.contextmanager
def reported() -> Iterator[None]:
    try:
        yield
    except ModelNotFoundError as exc:
        raise click.UsageError(str(exc)) from None
    except ProblemListError as exc:
        click.echo(f"error: {exc.headline}", err=True)
        for path, message in exc.problems:
            click.echo(f"error: {_cut(path, 200)}: {_cut(message, 400)}", err=True)
        raise SystemExit(EXIT_INVALID) from None
    except SpecError as exc:
        fail(str(exc), EXIT_CANNOT_RUN)
    except AasRefModelsError as exc:
        fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, EXIT_CANNOT_RUN)
    except OSError as exc:
        fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "), EXIT_CANNOT_RUN)
