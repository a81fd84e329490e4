"""``python -m shuangsuiji``, and the console script ``ssj`` (``pyproject.toml``).

``ssj --version`` on its own is answered here, before the command line (Typer, every command's
module) is imported: scripts and installers run it to see which ssj is there. Everything else,
``--version`` among other options included, goes to ``shuangsuiji.cli.main``.
"""

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from shuangsuiji import __version__

        try:
            sys.stdout.write(f"ssj {__version__}\n")
            sys.stdout.flush()
        except BrokenPipeError:  # the reader left (ssj --version | true): as the full command line does, exit 0
            from shuangsuiji.cli.crash import reader_left

            raise SystemExit(reader_left()) from None
        raise SystemExit(0)
    from shuangsuiji.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
