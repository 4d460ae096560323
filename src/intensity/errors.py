"""Domain errors. Each carries the process exit code the CLI maps it to."""

from __future__ import annotations

# Exit codes (sysexits-style where one exists).
EXIT_OK = 0
EXIT_BUG = 1
EXIT_USAGE = 2
EXIT_DATAERR = 65
EXIT_IOERR = 74
EXIT_BUSY = 75


class IntensityError(Exception):
    """Base class for expected, user-facing errors."""

    exit_code = EXIT_BUG

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


class UsageError(IntensityError):
    """A bad argument or option value."""

    exit_code = EXIT_USAGE


class InputDataError(IntensityError):
    """Input that cannot be read or fails validation as a whole."""

    exit_code = EXIT_DATAERR


class StorageError(IntensityError):
    """A file or folder that cannot be created, read or written (permissions, read-only disk)."""

    exit_code = EXIT_IOERR


class DatabaseBusy(IntensityError):
    """Another process holds the DuckDB write lock."""

    exit_code = EXIT_BUSY

    def __init__(self, path: str, pid: int | None = None):
        who = f"process {pid}" if pid else "another process"
        super().__init__(
            f"database {path} is busy: {who} holds its write lock",
            hint="retry in a moment (scheduled runs exit 75 so the scheduler can retry)",
        )
        self.path = path
        self.pid = pid
