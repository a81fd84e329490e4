"""The ``ssj`` group as ``main()`` runs it: each command made into a Click command only when it is needed.

Typer turns every registered command into a Click command, reading each function's signature
and options, before it even parses the command line; ssj has some twenty commands and a run
uses one of them. ``root_command(app)`` builds the group with the root's own options only and
gives it its commands as a ``LazyCommands`` mapping, which converts a command (with Typer's own
conversion, so it is the same command) the first time it is looked up. The ``ssj --help`` page
takes each command's one-line description from what was registered (``ChineseGroup``), without
converting any. Should this Typer not have the functions used here, ``root_command`` gives
Typer's own, fully converted group: the same commands, only slower to start.

Typer converts every option value (``--task hazchem``, ``--round 1``, ``--root 工作区``) through a
Pydantic ``TypeAdapter``, and importing Pydantic to build the first one costs more than the rest of
ssj's start-up. ``plain_values`` gives each option of type str, int, Path, bool or list[str] a
``PlainValue``, which converts the values that need no Pydantic (text for str, list[str] and Path,
ASCII digits for int, a flag's own True or False)
exactly as Typer's adapter does, and hands every other value to Typer's own conversion, so an
invalid value fails with Typer's own message.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, get_args, get_origin

from pathlib import Path

import typer
import typer.main


class CommandSummary:
    """What a command's line on ``ssj --help`` needs: its short help, its help, and whether it is hidden."""

    def __init__(self, short_help: str | None, help: str | None, hidden: bool) -> None:
        self.short_help, self.help, self.hidden = short_help, help, hidden


class LazyCommands(Mapping):
    """Command name -> Click command, converted from the Typer app on first lookup; in Typer's order."""

    def __init__(self, app: typer.Typer) -> None:
        self.app = app
        self.infos: dict[str, Any] = {}
        for info in app.registered_commands:
            self.infos[info.name or typer.main.get_command_name(info.callback.__name__)] = info
        for group in app.registered_groups:
            self.infos[group.name] = group
        self.built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self.built:
            info = self.infos[name]
            options = {"pretty_exceptions_short": self.app.pretty_exceptions_short, "rich_markup_mode": self.app.rich_markup_mode}
            if isinstance(info, typer.models.CommandInfo):
                command = typer.main.get_command_from_info(info, **options)
            else:
                command = typer.main.get_group_from_info(info, suggest_commands=self.app.suggest_commands, **options)
            self.built[name] = plain_values(command)
        return self.built[name]

    def __setitem__(self, name: str, command: Any) -> None:  # Click's Group.add_command
        self.infos[name] = None
        self.built[name] = command

    def __iter__(self) -> Iterator[str]:
        return iter(self.infos)

    def __len__(self) -> int:
        return len(self.infos)

    def __contains__(self, name: object) -> bool:
        return name in self.infos

    def summary(self, name: str) -> CommandSummary:
        """The command's ``--help`` line as Typer would convert it (its help cleaned of indentation), not converted."""
        import inspect

        info = self.infos[name]
        if name in self.built or not isinstance(info, typer.models.CommandInfo):
            command = self[name]
            return CommandSummary(command.short_help, command.help, command.hidden)
        text = inspect.getdoc(info.callback) if info.help is None else inspect.cleandoc(info.help)
        return CommandSummary(info.short_help, text, info.hidden)


def root_command(app: typer.Typer) -> Any:
    """The app's root Click group with ``LazyCommands``; Typer's fully converted group when that cannot be done."""
    commands, groups = app.registered_commands, app.registered_groups
    try:
        lazy = LazyCommands(app)
        if None in lazy.infos or len(lazy) != len(commands) + len(groups):  # an unnamed group: Typer merges its commands
            return typer.main.get_command(app)
        app.registered_commands, app.registered_groups = [], []
        try:
            group = typer.main.get_command(app)  # the root's callback and options only
        finally:
            app.registered_commands, app.registered_groups = commands, groups
        group.commands = lazy
        return plain_values(group)
    except (AttributeError, TypeError):  # pragma: no cover - a Typer without these functions
        return typer.main.get_command(app)


class PlainValue:
    """Typer's conversion of one option's value (type str, int, Path, bool or list[str]), without Pydantic where it needs none."""

    def __init__(self, kind: type, path_type: Any = None) -> None:
        self.kind, self.path_type = kind, path_type
        self.typers: Any = None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        kind = self.kind
        if value is None:
            return () if kind is list else None
        if kind is list:  # a repeatable text option (list[str])
            if type(value) in (tuple, list) and all(type(v) is str for v in value):
                return list(value)
            return self.typer_own(param).coerce(value, param=param, ctx=ctx)
        if type(value) is kind and kind is not Path:
            return value
        if type(value) is str:
            if kind is str:
                return value
            if kind is int and value.isascii() and value.isdigit():
                return int(value)
            if kind is Path:
                from typer._param_types import coerce_cli_path

                try:  # Pydantic reads any text as Path(text); the checks after it are Typer's own
                    return coerce_cli_path(Path(value), param.type_descriptor.parameter_info, path_type=self.path_type,
                                           param=param, ctx=ctx)
                except Exception:  # noqa: BLE001  (a path Typer refuses, or one os.stat cannot take: a NUL byte)
                    pass  # Typer's own conversion says what is wrong, in its own words, naming the value as typed
        return self.typer_own(param).coerce(value, param=param, ctx=ctx)

    def typer_own(self, param: Any) -> Any:
        """Typer's own conversion of this option (built once, with Pydantic)."""
        if self.typers is None:
            from typer._coercion import build_runtime_param

            self.typers = build_runtime_param(param.type_descriptor)
        return self.typers


def plain_value(param: Any) -> PlainValue | None:
    """A ``PlainValue`` for an option of type str, int, Path or bool with no constraint, or a repeatable one of
    type list[str] (else None)."""
    desc = getattr(param, "type_descriptor", None)
    info = getattr(desc, "parameter_info", None)
    if info is None or getattr(param, "_runtime_param", 0) is not None or param.nargs != 1:
        return None
    if desc.file_annotation is not None or info.parser is not None:
        return None
    kind = desc.annotation
    if param.multiple:
        return PlainValue(list) if get_origin(kind) is list and get_args(kind) == (str,) else None
    if kind is str or kind is bool:
        return PlainValue(kind)
    if kind is int and info.min is None and info.max is None and not info.clamp:
        return PlainValue(int)
    if isinstance(kind, type) and issubclass(kind, Path):
        return PlainValue(Path, info.path_type or kind)
    return None


def plain_values(command: Any) -> Any:
    """The command with a ``PlainValue`` for each option ``plain_value`` takes, and so a group's commands
    (not the root's ``LazyCommands``, which are given theirs as they are converted); returned."""
    for param in getattr(command, "params", ()):
        plain = plain_value(param)
        if plain is not None:
            param._runtime_param = plain
    subs = getattr(command, "commands", None)
    if isinstance(subs, dict):
        for sub in subs.values():
            plain_values(sub)
    return command
