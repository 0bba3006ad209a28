"""The corecli command line: Typer glue over the core, one module per command group.

The root command imports only the module of the command it runs (Click's lazy
group), so ``corecli list`` never loads the session player and ``corecli --help``
loads neither pydantic nor Rich. Every expected failure is turned into
``Error: …`` lines here, once.
"""

from __future__ import annotations

import importlib
import sys
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand

from corecli import __version__
from corecli.cli.context import Context
from corecli.cli.help import CONTEXT_SETTINGS, Group, usage_error_line
from corecli.errors import CorecliError

if TYPE_CHECKING:  # Typer 0.29 vendors Click; only its type is used here
    from typer._click import Context as ClickContext

# Each module of corecli.cli, the heading --help lists its commands under, and
# those commands in order.
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "catalogue": ("Browse the exercises", ("list", "show", "schema")),
    "routines": ("Plan and follow a routine", ("plan", "flare", "view", "run")),
    "programme": ("Your programme", ("start", "today", "log", "checkin", "learn")),
    "tracking": ("Keep track", ("history", "stats", "walk", "unflag", "screen")),
    "config": ("Settings", ("config",)),
}
MODULE_OF = {name: module for module, (_, names) in GROUPS.items() for name in names}


class LazyGroup(Group):
    """The root command: loads a command's module when it is asked for, and reports
    every mistake as ``Error: …`` lines with an exit code."""

    def list_commands(self, ctx: ClickContext) -> list[str]:
        return list(MODULE_OF)

    def get_command(self, ctx: ClickContext, cmd_name: str) -> TyperCommand | None:
        return None if cmd_name not in MODULE_OF else command_named(cmd_name)

    def sections(self, ctx: ClickContext) -> list[tuple[str, list[str]]]:
        return [(title, list(names)) for title, names in GROUPS.values()]

    def invoke(self, ctx: ClickContext) -> Any:
        try:
            return super().invoke(ctx)
        except CorecliError as error:
            fail(error)

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            code = result if isinstance(result, int) else 0
        except typer.TyperException as error:  # Click's usage errors
            if type(error).__name__ == "NoArgsIsHelpError":
                typer.echo(error.format_message())  # the help page
            else:
                typer.echo(f"Error: {usage_error_line(error)}", err=True)
            code = error.exit_code
        except typer.Abort:  # Ctrl-C, or end of input at a prompt: as at corecli's own questions
            typer.echo("Cancelled.", err=True)
            code = 130
        if not standalone_mode:
            return code
        sys.exit(code)


@cache
def command_named(name: str) -> TyperCommand:
    """The command ``name``, built once from its module. Only that command is built:
    Typer inspects every parameter of what it builds, and ``run`` alone has 30."""
    module: typer.Typer = importlib.import_module(f"corecli.cli.{MODULE_OF[name]}").app
    for info in module.registered_commands:
        callback_name = info.callback and typer.main.get_command_name(info.callback.__name__)
        if name in (info.name, callback_name):
            return typer.main.get_command_from_info(  # type: ignore[return-value]
                info,
                pretty_exceptions_short=module.pretty_exceptions_short,
                rich_markup_mode=module.rich_markup_mode,
            )
    return typer.main.get_group(module).commands[name]  # type: ignore[return-value]


def fail(error: CorecliError) -> NoReturn:
    """Print an expected failure as ``Error: …`` lines on stderr and exit with its code."""
    for line in error.lines():
        typer.echo(f"Error: {line}", err=True)
    raise typer.Exit(error.exit_code)


app = typer.Typer(
    cls=LazyGroup,
    name="corecli",
    help=(
        "Core exercises for lower back pain: browse the catalogue, plan a routine, "
        "follow it with a timer.\n\n"
        "corecli gives exercise guidance, not a diagnosis. Stop any exercise that "
        "increases your symptoms, and see a clinician if pain persists or spreads down a leg.\n\n"
        "Example: corecli plan --minutes 15 -o today.toml && corecli run today.toml"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings=CONTEXT_SETTINGS,
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"corecli {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_show_version, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    if not isinstance(ctx.obj, Context):  # tests hand in their own
        ctx.obj = Context.from_environment()


def main() -> None:
    """Entry point of the ``corecli`` console script."""
    app()
