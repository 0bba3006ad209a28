"""``python -m corecli``: the same as the ``corecli`` command."""

from corecli.cli import main

if __name__ == "__main__":
    main()
