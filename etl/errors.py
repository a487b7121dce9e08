"""Errors that reach users as one clear line (never a traceback)."""


class HadathError(Exception):
    """A failure the user can act on. The CLI prints ``str(err)`` and exits 1."""

    exit_code = 1


class BadInput(HadathError):
    """Bad input or usage (empty, binary, undecodable, wrong language, too large). Exit 2."""

    exit_code = 2


class DatabaseUnavailable(HadathError):
    """The selected database cannot be reached."""
