"""The ``ssj`` group as ``main()`` runs it: each command made into a Click command only when it is needed.

Typer turns every registered command into a Click command, reading each function's signature
and options, before it even parses the command line; ssj has some twenty commands and a run
uses one of them. ``root_command(app)`` builds the group with the root's own options only and
gives it its commands as a ``LazyCommands`` mapping, which converts a command (with Typer's own
conversion, so it is the same command) the first time it is looked up. The ``ssj --help`` page
takes each command's one-line description from what was registered (``ChineseGroup``), without
converting any. Should this Typer not have the functions used here, ``root_command`` gives
Typer's own, fully converted group: the same commands, only slower to start.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

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
                self.built[name] = typer.main.get_command_from_info(info, **options)
            else:
                self.built[name] = typer.main.get_group_from_info(info, suggest_commands=self.app.suggest_commands, **options)
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
        return group
    except (AttributeError, TypeError):  # pragma: no cover - a Typer without these functions
        return typer.main.get_command(app)
