"""The first-run setup, and what ``plan``, ``run`` and ``today`` do first: offer the
setup to a new person and ask the next-morning question that is still open.

Questions are asked only at a terminal; without one, a line says what to run.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from corecli.cli import folder
from corecli.cli.context import Context
from corecli.cli.options import EquipmentChoice, equipment_set
from corecli.errors import UsageProblem
from corecli.store.home import history_path
from corecli.vocab import Equipment, Group, PainSpan, PlanCondition

if TYPE_CHECKING:
    from corecli.programme import Setup as SetupType

SPAN_WORDS = {
    PainSpan.new: "under 6 weeks",
    PainSpan.subacute: "6 to 12 weeks",
    PainSpan.chronic: "over 12 weeks",
}
GROUP_QUESTIONS = {
    Group.osteoporosis: "Osteoporosis, or steroid tablets taken for three months or more?",
    Group.pregnancy: "Are you pregnant?",
    Group.surgery: "Spinal surgery in the last year?",
    Group.spondylolisthesis: "Spondylolisthesis (a vertebra slipped forward on the one below)?",
}
GROUP_NOTES = {
    Group.osteoporosis: "Osteoporosis or steroids: plans leave out loaded and end-range bending"
    " forward, which strains weakened vertebrae.",
    Group.pregnancy: "Pregnancy: plans leave out lying face down. Ask your midwife or"
    " physiotherapist before exercises on your back after the first three months.",
    Group.surgery: "Spinal surgery in the last year: follow your surgical team's plan first and"
    " ask them before starting strengthening.",
    Group.spondylolisthesis: "Spondylolisthesis: plans leave out bending backward.",
}


class Answers:
    """What ``corecli start`` was told on the command line; the rest is asked."""

    def __init__(
        self,
        pain_for: PainSpan | None = None,
        usual_pain: int | None = None,
        condition: PlanCondition | None = None,
        groups: list[Group] | None = None,
        no_groups: bool = False,
        equipment: list[EquipmentChoice] | None = None,
        floor: bool | None = None,
    ) -> None:
        self.pain_for = pain_for
        self.usual_pain = usual_pain
        self.condition = condition
        self.groups = [] if no_groups else groups
        self.equipment = equipment
        self.floor = floor


def set_up(context: Context, answers: Answers) -> None:
    """Ask what was not given, keep the answers, and say where the programme starts.
    Ctrl-C or end of input at a question cancels with nothing saved."""
    from corecli.cli.terminal import asking

    with asking():
        setup, settings = ask(context, answers)
    keep(context, setup, settings)


def ask(context: Context, answers: Answers) -> tuple[SetupType, dict[str, object]]:
    """The setup's answers, and the settings for config.toml, asking what was not given."""
    from corecli import prompts
    from corecli.programme import Setup

    interactive = sys.stdin.isatty()
    given = {"--pain-for": answers.pain_for, "--usual-pain": answers.usual_pain}
    missing = [option for option, value in given.items() if value is None]
    if missing and not interactive:
        raise UsageProblem(
            f"corecli start needs {' and '.join(missing)} when there is no terminal to ask"
        )
    say = typer.echo
    if interactive and (missing or answers.groups is None):
        say("A few questions set up your programme (corecli start --help lists them as options).")
    span = answers.pain_for or PainSpan(
        prompts.ask_choice(
            "How long has this bout of back pain lasted?",
            {span.value: words for span, words in SPAN_WORDS.items()},
            say=say,
        )
    )
    usual = answers.usual_pain
    if usual is None:
        usual = prompts.ask_score("Your usual pain on most days", say=say)
    condition = answers.condition
    if condition is None and interactive:
        condition = PlanCondition(
            prompts.ask_choice(
                "Has a clinician named your back problem?",
                {c.value: CONDITION_WORDS.get(c, c.value) for c in PlanCondition},
                say=say,
            )
        )
    groups = answers.groups
    if groups is None and interactive:
        say("Do any of these apply to you? (y or n for each)")
    if groups is None:
        groups = (
            [g for g, question in GROUP_QUESTIONS.items() if prompts.ask_yes_no(question, say=say)]
            if interactive
            else []
        )
    equipment = equipment_set(answers.equipment)
    if equipment is None and interactive:
        equipment = ask_equipment(context)
    floor = answers.floor
    if floor is None and interactive:
        floor = prompts.ask_yes_no("Is getting down to the floor and up again fine?", say=say)

    settings: dict[str, object] = {}
    if condition is not None:
        settings["condition"] = condition
    if equipment is not None:
        settings["equipment"] = sorted(equipment)
    if floor is not None:
        settings["floor"] = floor
    return Setup(span, usual, frozenset(groups)), settings


def keep(context: Context, setup: SetupType, settings: dict[str, object]) -> None:
    """Save the answers and the settings, log where the programme starts, and say so."""
    from corecli.programme import set_up
    from corecli.store.config import update

    say = typer.echo
    if settings:
        update(context.home, settings)
    with folder.history(context, create=True) as history:
        latest = history.decisions(limit=1)
        decision = set_up(setup, context.today, latest[0].standing if latest else None)
        history.set_profile(setup, context.now())
        history.add_decision(decision)
    say(f"Your programme: {decision.reason}.")
    for group_ in sorted(setup.groups):
        say(GROUP_NOTES[group_])
    say("Next: corecli today shows what is due; corecli run starts a session.")


CONDITION_WORDS = {
    PlanCondition.general: "no, or not sure (general)",
    PlanCondition.disc: "a disc problem (disc)",
    PlanCondition.stenosis: "spinal stenosis (stenosis)",
    PlanCondition.sciatica: "sciatica (sciatica)",
    PlanCondition.spasm: "muscle spasm (spasm)",
    PlanCondition.arthritis: "arthritis of the spine (arthritis)",
    PlanCondition.osteoporosis: "osteoporosis (osteoporosis)",
    PlanCondition.spondylolisthesis: "spondylolisthesis (spondylolisthesis)",
}


def ask_equipment(context: Context) -> frozenset[Equipment]:
    from corecli import prompts

    current_ = folder.settings(context).equipment
    default = [item.value for item in current_] if current_ is not None else ["mat"]
    words = prompts.ask_words(
        "What do you have to exercise with?", [e.value for e in Equipment], default, say=typer.echo
    )
    return frozenset(Equipment(word) for word in words)


TIP = "Tip: corecli start sets your programme up (how long the pain has lasted, and more)."


def offer_setup(context: Context) -> list[str]:
    """On first use: the setup at a terminal, else a line saying how to do it."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return [TIP]
    from corecli import prompts

    if prompts.ask_yes_no("New here: answer a few questions to set up your programme?"):
        set_up(context, Answers())
    else:
        typer.echo("Fine: corecli start asks them whenever you like.")
    return []


def before_planning(context: Context) -> list[str]:
    """What plan, run and today do first: the setup for a new person, and the open
    next-morning question, asked at a terminal. Without one, the lines to print once
    the command has done its job instead."""
    path = history_path(context.home)
    if not path.exists():
        return offer_setup(context)
    from corecli.cli.terminal import TerminalPrompts, asking
    from corecli.workout import morning_check

    with folder.session_log(context) as log:
        if log.new_person():
            return offer_setup(context)
        row = log.pending_checkin(context.today)
        if row is None:
            return []
        prompts = TerminalPrompts(context.console)
        if prompts.interactive and sys.stdout.isatty():
            with asking():
                morning_check(log, prompts, context.today)
            return []
    from corecli.agenda import Checkin

    pending = Checkin(row.id, row.day)
    return [f"{pending.question()} Record it with: {pending.command(context.today)}"]
