"""``intensity run``: the unattended, scheduled job (cron, systemd timers).

One run: take the run lock (a second run exits 75 at once), ingest files from
the input folders that are not in the store yet, refresh signals over a
lookback of recent days, write the report for a relative window, point
``reports/latest`` at it, and record the run in ``runs``. Database connections
are opened per phase and closed straight after, so ad-hoc readers are blocked
only for the short write phases (and are told to retry, not shown a traceback).
"""

from __future__ import annotations

import fcntl
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from intensity import __version__
from intensity.config import Settings
from intensity.db import connect, utcnow
from intensity.errors import DatabaseBusy, IntensityError, InputDataError, UsageError

log = logging.getLogger("intensity.run")


class RunLocked(DatabaseBusy):
    """Another ``intensity run`` holds the run lock."""

    def __init__(self, lock: Path, pid: int | None):
        super().__init__(str(lock), pid)
        who = f"process {pid}" if pid else "another process"
        self.args = (f"another intensity run ({who}) is in progress (lock {lock})",)
        self.hint = "this run did nothing; the scheduler can retry later"


@contextmanager
def run_lock(path: Path):
    """Hold an exclusive, non-blocking lock on ``path`` for the duration of a run.

    The kernel releases a ``flock`` when its process dies, so a killed run never
    leaves a stale lock behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raw = os.pread(fd, 32, 0).decode(errors="replace").strip()
            raise RunLocked(path, int(raw) if raw.isdigit() else None) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


@dataclass
class RunResult:
    """What a run did."""

    run_id: int
    status: str
    files_ingested: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    signals: int = 0
    new_signals: int = 0
    report_path: Path | None = None
    input_errors: list[str] = field(default_factory=list)

    def exit_code(self, settings: Settings) -> int:
        """0 ok; 65 when an input could not be read; the alert code on new escalations."""
        if self.input_errors:
            return InputDataError.exit_code
        if settings.alert_exit_code and self.new_signals:
            return settings.alert_exit_code
        return 0


def _new_files(con, inputs: list[Path]) -> list[Path]:
    """Files under the input folders whose content is not in the store yet."""
    from intensity.ingest import expand_paths, file_sha256

    known = {h for (h,) in con.execute("SELECT DISTINCT content_hash FROM ingest_files").fetchall()}
    return [f for f in expand_paths(inputs) if file_sha256(f) not in known]


def _missing_inputs(inputs: list[Path]) -> UsageError | None:
    # A configured input folder that is not there is a misconfigured job (a typo, an unmounted
    # share): fail it loudly rather than report "ok" over stale data.
    missing = [str(p) for p in inputs if not p.exists()]
    if not missing:
        return None
    return UsageError(f"input folder(s) not found: {', '.join(missing)}",
                      hint="create the folder, or fix `inputs` in intensity.toml, INTENSITY_INPUTS or --input")


def run(settings: Settings, *, as_of: date | None = None, quiet: bool = False) -> RunResult:
    """Execute one scheduled run with ``settings``; see the module docstring.

    Raises:
        RunLocked: another run holds the lock (exit 75).
        UsageError: an input folder does not exist (recorded as a failed run; exit 2).
        DatabaseBusy: another process holds the database's write lock (exit 75).
    """
    from intensity.ingest import ingest_files

    from intensity.publish import sweep

    with run_lock(settings.lock_path):
        for p in sweep(settings.reports):
            log.info("removed %s, left by a run that did not finish", p)
        started = utcnow()
        con = connect(settings.db)
        try:
            # Under the run lock no other run is going: a 'running' row is one whose process died.
            con.execute("UPDATE runs SET status = 'failed', error = 'the run did not finish: its process "
                        "ended (killed, or the machine stopped)' WHERE status = 'running'")
            run_id = con.execute("SELECT nextval('run_id_seq')").fetchall()[0][0]
            con.execute(
                "INSERT INTO runs (run_id, started_at, status, inputs, version, pid) VALUES (?, ?, 'running', ?, ?, ?)",
                [run_id, started, [str(p) for p in settings.inputs], __version__, os.getpid()],
            )
            result = RunResult(run_id=run_id, status="running")
            config_error = _missing_inputs(settings.inputs)
            files = [] if config_error else _new_files(con, settings.inputs)
            log.info("run %s: %d new input file(s)", run_id, len(files))
            def count(r) -> None:  # as each file is done, so a failure later keeps the counts
                if r.status == "error":
                    error = r.error_line()
                    result.input_errors.append(error)
                    log.error("%s", error)
                else:
                    result.files_ingested += 1
                    result.rows_loaded += r.loaded + r.replaced
                    result.rows_rejected += r.rejected

            try:
                ingest_files(con, files, on_file=count)
            except BaseException as exc:
                con.close()
                result.status = "failed"
                _finish(settings, result, started, error=f"{type(exc).__name__}: {exc}")
                raise
        finally:
            con.close()
        if config_error:
            result.status = "failed"
            _finish(settings, result, started, error=str(config_error))
            raise config_error

        try:
            report = _detect_and_report(settings, as_of=as_of, run_id=run_id, result=result)
            result.status = "input_error" if result.input_errors else "ok"
        except IntensityError as exc:
            result.status = "failed"
            _finish(settings, result, started, error=str(exc))
            raise
        except BaseException as exc:
            result.status = "failed"
            _finish(settings, result, started, error=f"{type(exc).__name__}: {exc}")
            raise
        result.report_path = report
        _finish(settings, result, started)
        return result


def _detect_and_report(settings: Settings, *, as_of: date | None, run_id: int, result: RunResult) -> Path:
    from intensity.report import build_report

    con = connect(settings.db)
    try:
        rep = build_report(
            con, since=settings.since, as_of=as_of, out=settings.reports, country=settings.country,
            region=settings.region, method=settings.method, store_signals=True,
            lookback_days=settings.lookback_days, source=settings.source,
        )
        result.signals = len(rep.summary["signals"])
        result.new_signals = rep.summary.get("new_signals", 0)
        con.execute(
            "UPDATE runs SET as_of = ?, window_since = ?, window_until = ? WHERE run_id = ?",
            [rep.summary["report"]["as_of"], rep.summary["report"]["since"], rep.summary["report"]["until"], run_id],
        )
        return rep.path
    finally:
        con.close()


def _finish(settings: Settings, result: RunResult, started, *, error: str | None = None) -> None:
    try:
        con = connect(settings.db, wait=10)
    except DatabaseBusy:
        log.error("could not record the end of run %s: database busy", result.run_id)
        return
    try:
        con.execute(
            """
            UPDATE runs SET finished_at = ?, status = ?, files_ingested = ?, rows_loaded = ?,
                   rows_rejected = ?, signals = ?, new_signals = ?, report_path = ?, error = ?
            WHERE run_id = ?
            """,
            [utcnow(), result.status, result.files_ingested, result.rows_loaded, result.rows_rejected,
             result.signals, result.new_signals, str(result.report_path) if result.report_path else None,
             error or ("; ".join(result.input_errors) or None), result.run_id],
        )
    finally:
        con.close()
