"""Errors a user can act on. Front ends print ``str(error)``; no traceback is needed to understand them."""


class CompassError(Exception):
    """Base of every error Compass reports as a clear message."""

    exit_code = 1


class DatabaseUnavailableError(CompassError):
    exit_code = 3


class PgvectorMissingError(CompassError):
    exit_code = 3


class SchemaTooNewError(CompassError):
    exit_code = 3


class ImportFormatError(CompassError):
    """A file to import is malformed: the message names the row and field at fault."""

    exit_code = 2
