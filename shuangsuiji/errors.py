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
    """One problem in one place of a file: an input error, a ledger problem or a verify failure.

    ``line`` is 1-based, 0 when unknown; ``seq`` is the ledger event the problem belongs to,
    when there is one (a broken ledger line, a draw record that no longer matches).
    """

    path: str
    line: int
    message: str
    hint: str = ""
    seq: int | None = None

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def render(self) -> str:
        message = f"第 {self.seq} 号事件，{self.message}" if self.seq is not None else self.message
        text = f"{self.location()}: {message}" if self.path else message
        if self.hint:
            text += f"\n  提示：{self.hint}"
        return text

    def to_json(self) -> dict:
        out = asdict(self)
        if self.seq is None:
            del out["seq"]
        return out


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


class RecordMalformed(LedgerCorrupt):
    """A draw record file is missing, altered, or not a well-formed record."""


class RecordMissing(RecordMalformed):
    """The draw record file a ledger line names does not exist."""


class RecordAltered(RecordMalformed):
    """A draw record's bytes differ from the SHA-256 its ledger line holds."""


class BadSeed(SsjError):
    """--seed and --source cannot make a seed (both given, an empty seed, an unreadable source)."""


class SeedReused(SsjError):
    """The seed was already used by a round in the ledger: its picks could be computed in advance."""


class UnknownAlgorithm(SsjError):
    """The draw algorithm is not one ssj knows."""


class TooManyPicks(SsjError):
    """The algorithm cannot draw that many entities at once (RFC 3797: 65,536)."""


class EmptyScope(SsjError):
    """A task's scope holds no active entity, so there is nothing to draw."""


class RoundSkipped(SsjError):
    """--round asks for a round other than the task's next one."""


class RoundVoided(SsjError):
    """The round was voided: nothing more can be recorded on it or done to it."""


class RoundPublished(SsjError):
    """The round's results are public, so the round can no longer be voided."""


class DateOutOfRange(SsjError):
    """A date given for a draw, void or publication falls outside the days allowed for it."""


class ReasonRequired(SsjError):
    """A void, or a blacklist addition or removal, was asked for without a reason."""


class UnknownEntity(SsjError):
    """An entity id is not in the entity registry (nor in the ledger's history)."""


class AlreadyBlacklisted(SsjError):
    """An entity asked to be put on the blacklist is on it already."""


class NotBlacklisted(SsjError):
    """An entity asked to be taken off the blacklist is not on it."""


class NoReplacement(SsjError):
    """A replacement (递补) cannot be made: the pick has a result, or the ranked list has no one left."""


class NoCommitment(SsjError):
    """A reveal (two-phase draw) found no open commitment for the task: none made, or it was voided or revealed."""


class CommitmentOpen(SsjError):
    """The task has a commitment that is neither revealed nor voided: no other draw or commitment of it until then."""


class CommitmentChanged(SsjError):
    """What a reveal would draw from is not what was committed (inputs edited, a round voided in between)."""


class NothingToPublish(SsjError):
    """A round has no results yet, or misses some and --partial was not given."""


class BadExpectedHash(SsjError):
    """A --expect value is not a whole SHA-256 (64 hex digits)."""


class BadOptions(SsjError):
    """Command-line options that do not go together, or a value the command cannot take."""


class AlreadyExists(SsjError):
    """A file ssj would create is already there, and ssj never overwrites it."""


class OutputRefused(SsjError):
    """An output path would overwrite one of ssj's own files, or an existing file without --force."""


class KeptInputChanged(SsjError):
    """An input file's bytes changed between the draw reading them and keeping them (draws/inputs/)."""


class LedgerBusy(SsjError):
    """Another ssj process holds the ledger lock."""


class CheckFailed(SsjError):
    """A check ran and found a problem (verify, overdue): exit 1."""

    exit_code = EXIT_CHECK_FAILED


MAX_SHOWN_ERRORS = 200  # a file of bad rows would print one error per row without end


def render_errors(errors: list[InputError]) -> str:
    """The errors as ``path:line: message`` plus their hints, the first ``MAX_SHOWN_ERRORS`` of them."""
    text = "\n".join(e.render() for e in errors[:MAX_SHOWN_ERRORS])
    if len(errors) > MAX_SHOWN_ERRORS:
        text += (f"\n……另有 {len(errors) - MAX_SHOWN_ERRORS} 处错误未列出（共 {len(errors)} 处）；"
                 "请先改正上面这些，或用 --json 查看全部")
    return text


def errors_json(errors: list[InputError]) -> str:
    return json.dumps([e.to_json() for e in errors], ensure_ascii=False, indent=2)
