"""The real program in a pseudo-terminal: keys, the live screen, and the terminal put back."""

from __future__ import annotations

import os
import re
import shlex
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from corecli.keys import RawKeys, Terminated, sigterm_raises

termios = pytest.importorskip("termios", reason="needs a POSIX pseudo-terminal")
pexpect = pytest.importorskip("pexpect")

TIMEOUT_S = 10
# The stage as text: under the large letters ("Hold · Rep 1/2"), or the heading itself
# when a window has no room for them.
GET_READY = re.compile("Get ready|GET READY")
IN_POSITION = re.compile("Get into position|GET INTO POSITION")
PAUSED = re.compile("Paused|PAUSED")
HOLD = re.compile("Hold ·|HOLD")
RUN = [sys.executable, "-m", "corecli", "run", "--exercise", "bridge", "--prep", "2"]
RUN += ["--transition", "2", "--no-sound", "--screened", "--no-check-in", "--no-wait"]


# --- The key reader on a pseudo-terminal pair, in process ----------------------------------------


class Terminal:
    """One end of a pseudo-terminal, as RawKeys sees stdin; the other end types."""

    def __init__(self) -> None:
        self.keyboard, self.fd = os.openpty()

    def fileno(self) -> int:
        return self.fd

    def close(self) -> None:
        os.close(self.keyboard)
        os.close(self.fd)


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    opened = Terminal()
    yield opened
    opened.close()


def line_mode(fd: int) -> tuple[bool, bool]:
    """(canonical, echo) for a terminal."""
    lflag = termios.tcgetattr(fd)[3]
    return bool(lflag & termios.ICANON), bool(lflag & termios.ECHO)


@pytest.mark.parametrize(
    ("typed", "keys"),
    [
        (b"x", ["x"]),
        (b" ", [" "]),
        (b"\x1b[C\x1b[D", ["right", "left"]),
        (b"\x1bOC\x1bOD", ["right", "left"]),  # application cursor mode
        (b"\x1b", ["escape"]),  # a lone Esc
        (b"", [None]),
    ],
)
def test_raw_keys_reads_single_keys_and_arrows(
    terminal: Terminal, typed: bytes, keys: list[str | None]
) -> None:
    with RawKeys(terminal) as source:  # type: ignore[arg-type]
        assert line_mode(terminal.fd) == (False, False)
        os.write(terminal.keyboard, typed)
        assert [source.read(0.2) for _ in keys] == keys
    assert line_mode(terminal.fd) == (True, True)


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt(), Terminated()])
def test_raw_keys_restores_the_terminal_whatever_ends_the_block(
    terminal: Terminal, error: BaseException
) -> None:
    before = termios.tcgetattr(terminal.fd)
    keys = RawKeys(terminal)  # type: ignore[arg-type]
    with pytest.raises(type(error)), keys:
        raise error
    assert termios.tcgetattr(terminal.fd) == before
    keys.restore()  # a second time does nothing
    assert termios.tcgetattr(terminal.fd) == before


def test_sigterm_raises_inside_the_block_only() -> None:
    previous = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Terminated), sigterm_raises():
        os.kill(os.getpid(), signal.SIGTERM)
    assert signal.getsignal(signal.SIGTERM) == previous


# --- The real program ----------------------------------------------------------------------------


def terminal_env(home: Path) -> dict[str, str]:
    """A colour terminal of 80×24, as a person would have, with a private corecli home."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    env.update(CORECLI_HOME=str(home), TERM="xterm-256color")
    return env


def spawn_in_shell(home: Path) -> pexpect.spawn:
    """The session, then its exit status and the terminal settings as the shell sees them."""
    script = f"{shlex.join(RUN)}; echo EXIT=$?; stty -a"
    return pexpect.spawn(
        "bash",
        ["--norc", "--noprofile", "-c", script],
        env=terminal_env(home),
        dimensions=(24, 80),
        encoding="utf-8",
        timeout=TIMEOUT_S,
    )


def assert_terminal_restored(child: pexpect.spawn) -> None:
    """``stty -a`` after the session: line editing and echo are on again."""
    child.expect(pexpect.EOF)
    settings = child.before
    flags = set(re.split(r"[\s;]+", settings))
    assert "icanon" in flags, settings
    assert "echo" in flags, settings
    assert "-icanon" not in flags
    assert "-echo" not in flags


@pytest.mark.slow
def test_keys_in_a_real_terminal_and_the_terminal_restored_after_q(isolated: Path) -> None:
    child = spawn_in_shell(isolated)
    try:
        child.expect(GET_READY)
        child.expect(IN_POSITION)
        child.send(" ")
        child.expect(PAUSED)
        child.send(" ")
        child.expect(IN_POSITION)
        child.send("n")
        child.expect(HOLD)
        child.send("?")
        child.expect("pause or resume")
        child.send("q")
        child.expect("Session stopped early.")
        child.expect("Done 0 of 1 exercises")
        child.expect("EXIT=0")
        assert_terminal_restored(child)
    finally:
        child.close(force=True)


@pytest.mark.slow
def test_the_session_waits_at_the_gate_until_space(isolated: Path) -> None:
    gated = [arg for arg in RUN if arg != "--no-wait"]
    child = pexpect.spawn(
        gated[0], gated[1:], env=terminal_env(isolated), dimensions=(24, 80),
        encoding="utf-8", timeout=TIMEOUT_S,
    )  # fmt: skip
    try:
        child.expect("Press space when you are in place")
        time.sleep(3)  # longer than the get-ready: the gate holds, whatever the time
        child.expect(pexpect.TIMEOUT, timeout=0.2)
        assert "Get into position" not in child.before
        child.send(" ")
        child.expect(GET_READY)
        child.expect(IN_POSITION)
        child.send("q")
        child.expect("Session stopped early.")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)


@pytest.mark.slow
def test_ctrl_c_ends_with_130_and_a_summary(isolated: Path) -> None:
    child = spawn_in_shell(isolated)
    try:
        child.expect(IN_POSITION)
        child.sendintr()
        child.expect("Session interrupted.")
        child.expect("EXIT=130")
        assert_terminal_restored(child)
    finally:
        child.close(force=True)


@pytest.mark.slow
def test_sigterm_ends_with_143_a_summary_and_the_cursor_shown(isolated: Path) -> None:
    child = pexpect.spawn(
        RUN[0],
        RUN[1:],
        env=terminal_env(isolated),
        dimensions=(24, 80),
        encoding="utf-8",
        timeout=TIMEOUT_S,
    )
    try:
        child.expect(GET_READY)
        output = child.before + child.after
        child.kill(signal.SIGTERM)
        child.expect("Session ended by a signal.")
        output += child.before + child.after
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 143
        last_frame = output.rindex("Get ready")
        assert "\x1b[?25h" in output[last_frame:]  # the cursor is shown again
        assert "\x1b[?1049l" in output[last_frame:]  # back from the full screen
    finally:
        child.close(force=True)


@pytest.mark.slow
def test_piped_output_gets_no_escape_sequences_though_keys_are_read(isolated: Path) -> None:
    """stdin is the terminal (keys work) but stdout is a pipe: plain lines, nothing else."""
    child = pexpect.spawn(
        "bash",
        ["--norc", "--noprofile", "-c", f"{shlex.join(RUN)} | cat; echo EXIT=$?"],
        env=terminal_env(isolated),
        dimensions=(24, 80),
        encoding="utf-8",
        timeout=TIMEOUT_S,
    )
    try:
        child.expect("Bridge · Get into position 2 s: ")
        output = child.before + child.after
        child.send("q")
        child.expect("EXIT=0")
        output += child.before
        assert "Session stopped early." in output
        assert "\x1b" not in output
    finally:
        child.close(force=True)


@pytest.mark.slow
def test_a_dumb_terminal_still_shows_the_session(isolated: Path) -> None:
    """TERM=dumb (an editor's shell, say): Rich draws no live screen there, so go plain."""
    env = terminal_env(isolated) | {"TERM": "dumb"}
    child = pexpect.spawn(
        RUN[0], RUN[1:], env=env, dimensions=(24, 80), encoding="utf-8", timeout=TIMEOUT_S
    )
    try:
        child.expect(re.compile("get ready", re.IGNORECASE), timeout=4)
        child.send("q")
        child.expect("Session stopped early.")
    finally:
        child.close(force=True)


def process_state(pid: int) -> str:
    """The kernel's one-letter state of a process: T when stopped."""
    stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    return stat.rsplit(")", 1)[1].split()[0]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_ctrl_z_gives_the_terminal_back_and_fg_redraws_paused(isolated: Path) -> None:
    child = pexpect.spawn(
        RUN[0],
        [*RUN[1:], "--screened", "--no-check-in"],
        env=terminal_env(isolated),
        dimensions=(24, 80),
        encoding="utf-8",
        timeout=TIMEOUT_S,
    )
    try:
        child.expect(IN_POSITION)
        child.sendcontrol("z")
        child.expect_exact("\x1b[?1049l")  # back from the full screen, the cursor shown ...
        assert "\x1b[?25h" in child.before
        for _ in range(50):  # ... and stopped, as a shell's job is
            if process_state(child.pid) == "T":
                break
            time.sleep(0.05)
        assert process_state(child.pid) == "T"
        time.sleep(0.5)  # stopped a while: the pause, not the clock, holds the place
        os.kill(child.pid, signal.SIGCONT)  # fg
        child.expect(PAUSED)  # drawn again, paused
        child.send(" ")
        child.expect([IN_POSITION, HOLD])
        child.send("q")
        child.expect("Session stopped early.")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
