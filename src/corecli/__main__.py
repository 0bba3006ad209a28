"""Where ``corecli`` and ``python -m corecli`` start."""

import gc


def main() -> None:
    # A command lasts a moment and makes few reference cycles, so the cycle
    # collector's sweeps over everything Typer, Rich and pydantic import would
    # only cost start-up time (about 3%). A timed session turns it back on.
    gc.disable()
    from corecli.cli import main as run_command

    run_command()


if __name__ == "__main__":
    main()
