"""Errors: the input-error record, the named exceptions of the core, and the one renderer.

Loaders and checks return lists of ``InputError`` instead of raising at the first problem,
so a clerk sees every mistake in a file at once. The core raises the named exceptions
below; only the CLI turns them into text and an exit code (0 ok, 1 a check failed, 2 bad
input).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2


@dataclass(frozen=True, slots=True)
class InputError:
    """One problem in one place of an input file; ``line`` is 1-based, 0 when unknown."""

    path: str
    line: int
    message: str
    hint: str = ""

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def render(self) -> str:
        text = f"{self.location()}: {self.message}" if self.path else self.message
        if self.hint:
            text += f"\n  提示：{self.hint}"
        return text

    def to_json(self) -> dict:
        return asdict(self)


def display_path(path: Path | str, root: Path | None = None) -> str:
    """A path as shown to the user: relative to the workspace root when inside it, with '/'."""
    p = Path(path)
    if root is not None:
        try:
            return p.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return p.as_posix()


class SsjError(Exception):
    """Base of every error the CLI knows how to show."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def errors(self) -> list[InputError]:
        return [InputError("", 0, self.message, self.hint)]


class InputErrors(SsjError):
    """One or more problems in the input files; carries every one of them."""

    def __init__(self, errors: list[InputError]) -> None:
        super().__init__(f"输入有 {len(errors)} 处错误")
        self.items = list(errors)

    def errors(self) -> list[InputError]:
        return self.items


class NotAWorkspace(SsjError):
    """The folder holds no plans/ directory."""


class PlanNotFound(SsjError):
    """No plans/<year>.yaml for the requested year."""


class UnknownTask(SsjError):
    """The task id is not in the plan."""


class RoundExists(SsjError):
    """A round that is already in the ledger was asked for again."""


class RoundNotFound(SsjError):
    """The requested round is not in the ledger."""


class NotEnoughInspectors(SsjError):
    """Fewer eligible inspectors than a team needs."""


class LedgerCorrupt(SsjError):
    """The ledger cannot be read or its hash chain is broken."""


class LedgerBusy(SsjError):
    """Another ssj process holds the ledger lock."""


class CheckFailed(SsjError):
    """A check ran and found a problem (verify, overdue): exit 1."""

    exit_code = EXIT_CHECK_FAILED


def render_errors(errors: list[InputError]) -> str:
    """Every error as ``path:line: message`` plus its hint, one after another."""
    return "\n".join(e.render() for e in errors)


def errors_json(errors: list[InputError]) -> str:
    return json.dumps([e.to_json() for e in errors], ensure_ascii=False, indent=2)
