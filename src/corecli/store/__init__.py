"""What lives on disk: the corecli folder, TOML files (settings, routines) and the
SQLite history, with every mistake in them worded as one line a person can act on."""
