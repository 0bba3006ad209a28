"""Four weeks of use through the commands alone, on a fake clock: sessions every
other day, next-morning check-ins, walks, a bad day, and what plan, history and
stats make of it. Nothing edits the history behind corecli's back."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from tests.conftest import PINNED, FakeClock, Run

SESSION = ("run", "--plain", "--no-sound", "--screened", "--minutes", "5")


def phase_of_plan(run: Run) -> tuple[str, str]:
    """The phase today's plan is for, and the line that says why."""
    result = run("plan", "--format", "json")
    assert result.exit_code == 0, result.output
    (why,) = [line for line in result.stderr.splitlines() if line.startswith("Phase: ")]
    return json.loads(result.stdout)["phase"], why


def test_four_weeks_of_sessions_move_the_plan_on_and_back(run: Run, clock: FakeClock) -> None:
    assert clock.now().strftime("%a %d %b %H:%M") == "Wed 18 Nov 09:30"
    assert phase_of_plan(run) == ("acute", "Phase: acute: no sessions yet, so the gentle start")
    pains = {
        # day: (pain before, pain after, next morning)
        0: (4, 3, 3),
        2: (3, 3, 2),
        4: (3, 2, 2),  # the third green session two days after the last: recovery next
        6: (3, 3, 3),
        8: (3, 7, 6),  # a bad day in recovery: back to acute
        10: (4, 3, 3),
        12: (3, 3, 2),
        14: (2, 2, 2),
        16: (2, 2, 1),
        18: (2, 1, 1),
        20: (1, 1, 1),
        22: (1, 1, 0),
        24: (1, 0, 0),
        26: (0, 0, 0),
    }
    phases = {}
    for day in range(28):
        morning_walk = PINNED + timedelta(days=day)  # 9:30 each day
        clock.advance_to(morning_walk)
        if day not in pains:
            assert run("walk", "20").exit_code == 0  # on the days between
            continue
        before, after, next_morning = pains[day]
        phases[day] = phase_of_plan(run)[0]
        result = run(*SESSION, "--pain-before", str(before), "--pain-after", str(after))
        assert result.exit_code == 0, result.output
        assert "Session complete." in result.stdout
        clock.advance_to(morning_walk + timedelta(hours=22, minutes=30))  # 8:00 the next day
        assert run("checkin", str(next_morning)).exit_code == 0

    assert phases == {
        0: "acute",
        2: "acute",
        4: "acute",
        6: "recovery",  # three green sessions in acute, two days apart
        8: "recovery",
        10: "acute",  # stepped back after the red session on day 8
        12: "acute",
        14: "acute",
        16: "recovery",
        18: "recovery",
        20: "recovery",
        22: "maintenance",
        24: "maintenance",
        26: "maintenance",
    }
    assert phase_of_plan(run) == (
        "maintenance",
        "Phase: maintenance: the full programme, green since 10 Dec",
    )

    history = json.loads(run("history", "--json").stdout)
    assert len(history) == 14
    assert [s["light"] for s in history].count("red") == 1
    assert {s["ending"] for s in history} == {"finished"}
    assert history[0]["started"] == "2026-12-14T09:30:00"  # newest first, day 26

    stats = run("stats").stdout.splitlines()
    assert stats[0] == "Sessions: 14 in all · current streak 1 day in a row"
    weeks = stats[stats.index("Walking per week (minutes against the goal)") + 1 :]
    walked = [re.match(r"(\d\d \w+) +(\d+) / (\d+) min .*?(met)?$", line) for line in weeks]
    assert [found.groups() for found in walked if found] == [
        ("16 Nov", "40", "50", None),  # from a Wednesday: two walks
        ("23 Nov", "80", "50", "met"),
        ("30 Nov", "60", "75", None),  # the goal grew by 25
        ("07 Dec", "80", "75", "met"),
        ("14 Dec", "20", "100", None),
    ]
