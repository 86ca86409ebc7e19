"""errors.py -- the exceptions of the priori package.

One class per priori_status of include/priori.h, all under Error, each
carrying the status (its number) and libpriori's one-line message (what,
where, what to do):

  status             class                          also a
  PRIORI_E_ARG       ArgumentError                  ValueError
  PRIORI_E_MODEL     ModelError
  PRIORI_E_IO        FileError
  PRIORI_E_DB        DatabaseError
  PRIORI_E_NOMEM     OutOfMemoryError               MemoryError
  PRIORI_E_INTERNAL  InternalError
  (no library)       LibraryError (status None)

A status this package does not know (a newer library) raises Error itself.
"""


class Error(Exception):
    """An error reported by libpriori: .status (priori_status number), .message."""
    status_name = None

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message

    def __str__(self):
        return self.message

    def __repr__(self):
        return "%s(%r, %r)" % (type(self).__name__, self.status, self.message)


class ArgumentError(Error, ValueError):
    """PRIORI_E_ARG: a bad argument or option value (the CLI's usage error)."""
    status_name = "arg"


class ModelError(Error):
    """PRIORI_E_MODEL: the model is invalid or cannot be analysed."""
    status_name = "model"


class FileError(Error):
    """PRIORI_E_IO: a file could not be read or written."""
    status_name = "io"


class DatabaseError(Error):
    """PRIORI_E_DB: the measurement database is invalid, or has no such profile."""
    status_name = "db"


class OutOfMemoryError(Error, MemoryError):
    """PRIORI_E_NOMEM: out of memory."""
    status_name = "nomem"


class InternalError(Error):
    """PRIORI_E_INTERNAL: a bug in priori (please report it)."""
    status_name = "internal"


class LibraryError(Error):
    """libpriori could not be found or loaded, or is of another version."""

    def __init__(self, message):
        super().__init__(None, message)


_BY_STATUS = {1: ArgumentError, 2: ModelError, 3: FileError, 4: DatabaseError,
              5: OutOfMemoryError, 6: InternalError}


def error_for(status):
    """The class raised for a priori_status number."""
    return _BY_STATUS.get(status, Error)
