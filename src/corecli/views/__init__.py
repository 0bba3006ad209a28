"""What corecli shows, one module per subject: the catalogue, a routine, the
printable sheet, the session screen, history and stats.

Most are Rich renderables built from :mod:`corecli.views.parts`; the plain
ones (the history's JSON and CSV, its one-line messages) load no Rich at all.
"""
