"""The terminal a workout talks through: questions, the keys, the screen and sound.

Questions are asked only when stdin is a terminal; the full screen is drawn only
when stdout is one too (and can draw it), else a line per step is printed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from typing import NamedTuple

import typer
from rich.console import Console
from rich.text import Text

from corecli import prompts
from corecli.cli.context import Context
from corecli.errors import UsageProblem
from corecli.keys import KeySource, NoKeys, RawKeys, Terminated, sigterm_raises
from corecli.models import Exercise, SessionRecord
from corecli.player import PlainScreen, Screen, Sound, play, spawn_quietly
from corecli.safety import RedFlag
from corecli.script import Script
from corecli.session_log import SessionLog
from corecli.sounds import Tones, find_player
from corecli.timeline import Segment
from corecli.views.history_table import LIGHT_STYLE
from corecli.views.parts import literal
from corecli.views.session import LiveScreen
from corecli.vocab import Ending, Legs, Light, SoundMode
from corecli.workout import Devices, Workout, WorkoutResult, guided_workout


class TerminalPrompts:
    """Questions typed at the terminal, and lines printed on the console."""

    def __init__(self, console: Console, *, plain: bool = False) -> None:
        self._console = console
        self._plain = plain
        self.interactive = sys.stdin.isatty()

    def ask_pain(self, when: str) -> int | None:
        return prompts.ask_pain(when, say=typer.echo) if self.interactive else None

    def ask_screen(self, reason: str) -> dict[str, bool] | None:
        return prompts.ask_screen(reason, say=typer.echo) if self.interactive else None

    def ask_cleared(self, flag: RedFlag) -> bool:
        return self.interactive and prompts.ask_cleared(flag, say=typer.echo)

    def say(self, line: str) -> None:
        self._console.print(literal(line))

    def ask_legs(self) -> Legs | None:
        return prompts.ask_legs(say=typer.echo) if self.interactive else None

    def show_light(self, light: Light, line: str) -> None:
        self._console.print(Text(line, style=LIGHT_STYLE[light]), soft_wrap=self._plain)

    def show_advice(self, advice: str) -> None:
        self._console.print(Text(advice, style="bold"))

    def warn(self, line: str) -> None:
        typer.echo(line, err=True)


def terminal_devices(
    context: Context,
    script: Script,
    *,
    plain: bool,
    self_paced: bool,
    sound: SoundMode,
    voice: bool,
) -> Devices:
    """Everything a workout needs to run at this terminal, or in a pipe or a log."""
    console = context.console
    asker = TerminalPrompts(console, plain=plain)
    if self_paced and not asker.interactive:
        raise UsageProblem("--self-paced waits for the space bar, so it needs a keyboard")
    full_screen = not plain and sys.stdout.isatty() and not console.is_dumb_terminal
    bell = sys.stdout if sound is not SoundMode.off and full_screen else None
    tones = None
    if sound is SoundMode.tones and (sys.stdout.isatty() or sys.stdin.isatty()):
        player = find_player()  # a person is there to hear it; not in a pipe or a log
        tones = Tones(player, spawn_quietly) if player else None

    @contextmanager
    def stage() -> Iterator[tuple[KeySource, Screen]]:
        with ExitStack() as stack:
            if asker.interactive:
                keys: KeySource = stack.enter_context(RawKeys())
            else:
                keys = NoKeys(sleep=context.clock.sleep)
            screen: Screen = (
                LiveScreen(console, script)
                if full_screen
                else PlainScreen(sys.stdout, script, self_paced=self_paced)
            )
            yield keys, screen

    return Devices(
        prompts=asker,
        stage=stage,
        sound=Sound(bell, tones=tones, voice=voice, notice=lambda text: typer.echo(text, err=True)),
        clock=context.clock.monotonic,
        wall=context.now,
    )


def play_workout(
    context: Context,
    workout: Workout,
    log: SessionLog,
    *,
    plain: bool,
    sound: SoundMode,
    voice: bool,
) -> WorkoutResult:
    """A guided workout at this terminal (or in a pipe or a log)."""
    devices = terminal_devices(
        context,
        workout.script,
        plain=plain,
        self_paced=workout.self_paced,
        sound=sound,
        voice=voice,
    )
    with asking():
        return guided_workout(workout, devices, log)


# How a session's ending shows in the exit code, as for any program stopped so.
EXIT_CODES = {Ending.interrupted: 130, Ending.terminated: 143}


@contextmanager
def asking() -> Iterator[None]:
    """Ctrl-C or end of input at a question cancels the command (exit 130), SIGTERM too (143)."""
    try:
        with sigterm_raises():
            yield
    except (KeyboardInterrupt, EOFError):
        typer.echo("\nCancelled.", err=True)
        raise typer.Exit(130) from None
    except Terminated:
        typer.echo("\nCancelled by a signal.", err=True)
        raise typer.Exit(143) from None


def play_walk(
    context: Context, timeline: list[Segment], script: Script, *, plain: bool, sound: SoundMode
) -> SessionRecord:
    """A walk counted down at this terminal; Ctrl-C ends it, and what was walked counts."""
    devices = terminal_devices(
        context, script, plain=plain, self_paced=False, sound=sound, voice=False
    )
    with asking(), devices.stage() as (keys, screen):
        return play(
            timeline, script, screen, keys, sound=devices.sound, clock=devices.clock,
            wall=devices.wall,
        )  # fmt: skip


class Walked(NamedTuple):
    """A walk on the timer, as it ended."""

    ended: datetime
    minutes: int  # whole minutes walked (active time: pauses left out)
    what: str  # what to call it: "walk", or the exercise's name
    ending: Ending


def walk_on_the_timer(context: Context, exercise: Exercise, minutes: int) -> Walked:
    """Count a walk down at this terminal, however it ends."""
    from corecli.cli import folder
    from corecli.planner import single_exercise_routine
    from corecli.timeline import timed_walk

    config = folder.settings(context)
    routine = single_exercise_routine(exercise, context.today)
    script = Script.for_routine(routine, folder.catalogue(context))
    timeline = timed_walk(exercise.id, minutes * 60, config.prep)
    record = play_walk(context, timeline, script, plain=config.plain, sound=config.sound)
    what = "walk" if exercise.id == "walking" else exercise.name.lower()
    ended = record.started + timedelta(seconds=record.total_s)
    return Walked(ended, int(record.active_s // 60), what, record.ending)
