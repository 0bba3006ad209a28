"""Help pages and usage errors in plain words.

Typer's own help draws boxes with Rich, shows types as ``<bool>`` or
``<int range>`` and cuts long choices short at 80 columns; its errors come in a
box under the usage line. corecli's help is plain text that wraps at the
terminal's width, names each value by what it is (``--minutes N``, ``PAIN``),
and leaves the choices and defaults to the option's own words; a mistake on
the command line is one ``Error: …`` line like every other mistake.
"""

from __future__ import annotations

import difflib
import inspect
import re
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from corecli.text import or_list

if TYPE_CHECKING:  # Typer 0.29 vendors Click; only its types are used here
    from typer._click import Context, HelpFormatter

# Wider terminals get longer lines, up to this; 80 columns get 78.
MAX_WIDTH = 100
CONTEXT_SETTINGS: dict[str, Any] = {
    "help_option_names": ["-h", "--help"],
    "max_content_width": MAX_WIDTH,
}


class Command(TyperCommand):
    """A command whose help is laid out by :func:`help_lines`."""

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        formatter.write("\n".join(help_lines(self, ctx, formatter.width)) + "\n")

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        return usage_pieces(self, ctx)


class Group(TyperGroup):
    """A group of commands whose help lists each with its one-line summary."""

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        sections = []
        for title, names in self.sections(ctx):
            rows = []
            for name in names:
                command = self.get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, summary(command.help or "")))
            sections.append((title, rows))
        lines = help_lines(self, ctx, formatter.width, sections)
        formatter.write("\n".join(lines) + "\n")

    def sections(self, ctx: Context) -> list[tuple[str, list[str]]]:
        """The command list's headings, each with its commands in order."""
        return [("Commands", self.list_commands(ctx))]

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        return [*usage_pieces(self, ctx), self.subcommand_metavar]


Rows = list[tuple[str, str]]


def help_lines(
    command: TyperCommand | TyperGroup,
    ctx: Context,
    width: int,
    commands: Sequence[tuple[str, Rows]] = (),
) -> list[str]:
    """Usage, the docstring's paragraphs, the arguments, the options, then any
    lists of commands: wrapped at ``width``, never inside a word or at a hyphen,
    so a choice such as ``back-extension-station`` stays whole."""
    usage = f"Usage: {ctx.command_path} "
    lines = wrap(" ".join(command.collect_usage_pieces(ctx)), width, usage, " " * len(usage))
    for paragraph in inspect.cleandoc(command.help or "").split("\n\n"):
        if paragraph.strip():
            lines += ["", *wrap(paragraph, width, "  ", "  ")]
    arguments, options = parameter_rows(command, ctx)
    for title, rows in (("Arguments", arguments), ("Options", options)):
        if rows:
            lines += ["", f"{title}:", *definition_list(rows, width)]
    # One first column for every list of commands, so their summaries line up.
    names = max((len(name) for _, rows in commands for name, _ in rows), default=0)
    for title, rows in commands:
        if rows:
            lines += ["", f"{title}:", *definition_list(rows, width, names)]
    return lines


def definition_list(rows: Rows, width: int, first: int = 0, col_max: int = 30) -> list[str]:
    """Two columns: the name, then its text wrapped beside it (below it if the name is long)."""
    column = min(max(first, *(len(name) for name, _ in rows)), col_max) + 2
    lines = []
    for name, text in rows:
        indent = " " * (2 + column)
        if len(name) > col_max:
            lines.append(f"  {name}")
            lines += wrap(text, width, indent, indent)
        else:
            lines += wrap(text, width, f"  {name}".ljust(2 + column), indent)
    return lines


def wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """``text`` as lines of at most ``width``, breaking only at spaces."""
    lines = textwrap.wrap(
        " ".join(text.split()),
        width,
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
        break_long_words=False,
    )
    return lines or [first.rstrip()]


def summary(help_text: str) -> str:
    """A command's first paragraph as one line: what it does."""
    first = inspect.cleandoc(help_text).split("\n\n", 1)[0]
    return " ".join(first.split())


def usage_pieces(command: TyperCommand | TyperGroup, ctx: Context) -> list[str]:
    """``[OPTIONS]`` and the arguments: ``PAIN``, ``[ROUTINE]``, ``NAME...``."""
    pieces = [command.options_metavar] if command.options_metavar else []
    for param in command.get_params(ctx):
        if isinstance(param, TyperArgument):
            name = _name(param) + ("..." if param.nargs != 1 else "")
            pieces.append(name if param.required else f"[{name}]")
    return pieces


def parameter_rows(
    command: TyperCommand | TyperGroup, ctx: Context
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(name, help) rows for the arguments and for the options, in their order."""
    arguments: list[tuple[str, str]] = []
    options: list[tuple[str, str]] = []
    for param in command.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        text = " ".join((getattr(param, "help", None) or "").split())
        if isinstance(param, TyperArgument):
            arguments.append((_name(param), text))
        elif isinstance(param, TyperOption):
            options.append((_option_label(param), text))
    return arguments, options


def _name(param: TyperArgument | TyperOption) -> str:
    return param.metavar or (param.name or "value").upper()


def _option_label(option: TyperOption) -> str:
    """``-e, --exercise ID``, ``--sound / --no-sound``, ``-h, --help``."""
    names = ", ".join(sorted(option.opts, key=len))
    if option.secondary_opts:
        names += " / " + ", ".join(option.secondary_opts)
    if option.is_flag or option.count:
        return names
    return f"{names} {_name(option)}"


# --- Usage errors ------------------------------------------------------------------------


def usage_error_line(error: typer.TyperException) -> str:
    """What was wrong with the command line, in one sentence (without ``Error: ``)."""
    ctx = getattr(error, "ctx", None)
    command = ctx.command_path if ctx is not None else "corecli"
    see = f"see {command} --help"
    kind = type(error).__name__
    param = getattr(error, "param", None)
    if isinstance(error, typer.BadParameter) and isinstance(param, TyperArgument | TyperOption):
        hint = _hint(param, command)
        if kind == "MissingParameter":
            return f"{command} needs {hint}; {see}"
        allowed = _allowed(param)
        if allowed is None:
            return f"{hint}: {_sentence(error.message)}"
        given = _given(error)
        return f"{hint} takes {allowed}" + ("" if given is None else f", not {given!r}")
    if kind == "NoSuchOption":
        option = getattr(error, "option_name", "")
        close = list(getattr(error, "possibilities", None) or ())
        guess = f"; did you mean {or_list(close)}?" if close else f"; {see}"
        return f"{command} has no option {option}{guess}"
    if kind == "BadOptionUsage":  # raised by the parser, which knows no command
        return f"{getattr(error, 'option_name', 'an option')} needs a value"
    unknown = re.match(r"No such command '(.*?)'\.", error.format_message())
    if unknown and ctx is not None and isinstance(ctx.command, TyperGroup):
        names = ctx.command.list_commands(ctx)
        close = difflib.get_close_matches(unknown.group(1), names, n=1)
        guess = f"did you mean {close[0]!r}?" if close else see
        return f"{command} has no command {unknown.group(1)!r}; {guess}"
    return f"{_sentence(error.format_message())}; {see}"


def _hint(param: TyperArgument | TyperOption, command: str) -> str:
    """How the person typed it: ``--minutes``, an argument's name (``PAIN``), or for an
    argument whose name lists its choices (``routine|catalog``), the command."""
    if isinstance(param, TyperOption) and param.opts:
        return max(param.opts, key=len)
    name = _name(param)
    return command if "|" in name else name


def _allowed(param: TyperArgument | TyperOption) -> str | None:
    """What the parameter takes, in words, where it is a number or a choice."""
    descriptor = getattr(param, "type_descriptor", None)
    choices: Sequence[Any] = getattr(descriptor, "choices", None) or ()
    if choices:
        return or_list([str(getattr(choice, "value", choice)) for choice in choices])
    low, high = param.min, param.max
    annotation = getattr(descriptor, "annotation", None)
    number = "a number" if float in (annotation, type(low), type(high)) else "a whole number"
    if low is not None and high is not None:
        return f"{number} from {_figure(low)} to {_figure(high)}"
    if low is not None:
        return f"{number} of at least {_figure(low)}"
    if high is not None:
        return f"{number} of at most {_figure(high)}"
    return number if annotation in (int, float) else None


def _figure(value: float) -> str:
    """A bound as typed: ``1000000`` and ``4294967295`` whole, ``0.01`` as a decimal."""
    return str(value) if isinstance(value, int) else f"{value:g}"


def _given(error: typer.BadParameter) -> object | None:
    """The value that was refused, as typed, from the validation error behind it."""
    cause = error.__cause__
    errors = getattr(cause, "errors", None)
    if errors is None:
        return None
    details = errors()
    return details[0].get("input") if details else None


def _sentence(message: str) -> str:
    """Click's ``No such command 'x'.`` as ``no such command 'x'``."""
    message = " ".join(message.split()).rstrip(".")
    return message[:1].lower() + message[1:]
