"""The `hadath` command: one entry point for every stage.

Exit codes: 0 ok, 1 failure, 2 bad input or usage. Errors are one line on stderr,
never a traceback (set HADATH_LOG_LEVEL=DEBUG to see the traceback of unexpected errors).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from collections.abc import Callable

import etl.commands
from etl import logs
from etl.errors import HadathError

LOGGER = logging.getLogger("hadath")

# Each module etl/commands/<name>.py is the subcommand <name>. It exposes SUMMARY (one line),
# add_arguments(parser) and run(args) -> exit code. Listed in pipeline order, others after.
ORDER = ("db", "crawl", "outlets", "clean", "extract", "load", "run", "export", "report", "evaluate", "audit")


def command_names() -> list[str]:
    found = {m.name for m in pkgutil.iter_modules(etl.commands.__path__) if not m.name.startswith("_")}
    return [n for n in ORDER if n in found] + sorted(found - set(ORDER))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors: one line, exit 2
        self.exit(2, f"hadath: error: {message} (see `hadath {self.prog.split()[-1]} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="hadath", description="Arabic Syrian news -> ACLED-compatible conflict events.",
                     epilog="Database: DATABASE_URL, else an embedded PostgreSQL under .hadath/ (see `hadath db "
                            "status`). Exit codes: 0 ok, 1 failure, 2 bad input or usage.")
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO (default), WARNING")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in command_names():
        try:
            module = importlib.import_module(f"etl.commands.{name}")
        except Exception as err:  # one broken stage must not take every other command down
            _add_broken(sub, name, err)
            continue
        cmd = sub.add_parser(name, help=module.SUMMARY, description=module.SUMMARY)
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


def _add_broken(sub, name: str, err: Exception) -> None:
    reason = f"{type(err).__name__}: {err}".splitlines()[0]
    LOGGER.debug("command %s unavailable", name, exc_info=True)
    # prefix_chars no real option uses: every argument is swallowed, so the error below is what shows
    cmd = sub.add_parser(name, help=f"(unavailable: {reason})", add_help=False, prefix_chars="\x01")
    cmd.add_argument("rest", nargs="*")

    def run(_args: argparse.Namespace) -> int:
        raise HadathError(f"`hadath {name}` is unavailable in this installation: {reason}")

    cmd.set_defaults(_run=run)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logs.configure(args.log_level)
    runner: Callable[[argparse.Namespace], int] = args._run
    try:
        return int(runner(args) or 0)
    except HadathError as err:
        print(f"hadath: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("hadath: interrupted", file=sys.stderr)
        return 1
    except Exception as err:  # last resort: still one line, traceback only at DEBUG
        LOGGER.debug("unexpected error", exc_info=True)
        print(f"hadath: unexpected error: {type(err).__name__}: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
