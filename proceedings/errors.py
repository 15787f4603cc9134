"""Errors and diagnostics, always with a location a French editor can act on."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Severity(Enum):
    """How serious a diagnostic is; errors make the build exit non-zero."""

    ERROR = "erreur"
    WARNING = "avertissement"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in an input, located by file and line when known."""

    severity: Severity
    message: str
    path: str | None = None  # as shown to the user, relative when possible
    line: int | None = None

    @property
    def location(self) -> str:
        """``chemin:ligne: `` (or ``chemin: ``), empty when the problem has no file."""
        if not self.path:
            return ""
        return f"{self.path}:{self.line}: " if self.line else f"{self.path}: "

    def __str__(self) -> str:
        label = "avertissement : " if self.severity is Severity.WARNING else ""
        return f"{self.location}{label}{self.message}"


class ProceedingsError(Exception):
    """Base of every error the command line turns into a French message."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        return str(Diagnostic(Severity.ERROR, self.message, self.path, self.line))


class ProgrammeError(ProceedingsError):
    """The programme file cannot be used; carries every problem found at once."""

    def __init__(self, path: str, problems: Iterable[Diagnostic]) -> None:
        self.problems = tuple(problems)
        n = sum(1 for p in self.problems if p.severity is Severity.ERROR)
        plural = "s" if n > 1 else ""
        super().__init__(f"programme invalide ({n} erreur{plural})", path)


class SourceError(ProceedingsError):
    """A note cannot be read; the build goes on without it."""


class ConvertError(ProceedingsError):
    """pandoc or typst failed; keeps the command, its exit code and its stderr."""

    def __init__(
        self,
        message: str,
        command: list[str] | None = None,
        code: int | None = None,
        stderr: str = "",
    ) -> None:
        details = message
        if command:
            details += f"\n  commande : {' '.join(command)}"
        if code is not None:
            details += f"\n  code de sortie : {code}"
        if stderr.strip():
            details += "\n  sortie d’erreur :\n    " + "\n    ".join(stderr.strip().splitlines())
        super().__init__(details)
        self.command = command
        self.code = code
        self.stderr = stderr


@dataclass(slots=True)
class Diagnostics:
    """Problems collected during a build, in the order they were found."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, message: str, path: str | Path | None = None, line: int | None = None) -> None:
        self.items.append(Diagnostic(Severity.ERROR, message, _show(path), line))

    def warning(
        self, message: str, path: str | Path | None = None, line: int | None = None
    ) -> None:
        self.items.append(Diagnostic(Severity.WARNING, message, _show(path), line))

    def extend(self, items: Iterable[Diagnostic]) -> None:
        self.items.extend(items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def _show(path: str | Path | None) -> str | None:
    return None if path is None else str(path)
