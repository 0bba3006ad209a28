"""``corecli config show|set|unset``: the defaults in config.toml."""

from __future__ import annotations

from typing import Annotated

import typer

from corecli.cli.context import current
from corecli.cli.options import command, command_group

app = command_group()
settings = command_group(
    help="Show or change your defaults in config.toml.\n\n"
    "Options on the command line override them.\n\n"
    "Example: corecli config set equipment mat,strap",
    no_args_is_help=True,
)
app.add_typer(settings, name="config")


@command(settings, "show")
def show(ctx: typer.Context) -> None:
    """Show every setting, its value and where it comes from.

    Example: corecli config show
    """
    from corecli.store.config import config_path, describe_settings, load_config

    home = current(ctx).home
    described = describe_settings(load_config(home))
    width = max(len(setting.value) for setting in described)
    for setting in described:
        typer.echo(f"{setting.key:<11} {setting.value:<{width}}  ({setting.source})")
    typer.echo(f"File: {config_path(home)}")


@command(settings, "set")
def set_(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="prep, transition, sound, voice, equipment, …")],
    value: Annotated[str, typer.Argument(help="The new value, e.g. 20, true, mat,strap, disc.")],
) -> None:
    """Change one setting.

    Example: corecli config set equipment mat,strap
    """
    from corecli.store.config import described, set_value

    shown = described(set_value(current(ctx).home, key, value), key)
    typer.echo(f"{shown.key} = {shown.value}")


@command(settings, "unset")
def unset(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The setting to return to its default.")],
) -> None:
    """Return one setting to its built-in default.

    Example: corecli config unset minutes
    """
    from corecli.store.config import described, unset_value

    shown = described(unset_value(current(ctx).home, key), key)
    typer.echo(f"{shown.key} is back to its default: {shown.value}")
