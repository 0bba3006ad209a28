"""corecli: core exercise routines for lower back pain, in the terminal."""

__version__ = "0.1.0"
