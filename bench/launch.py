"""A small process that starts the timed commands, so their peak RSS is their own.

Linux folds the memory of the image a process replaced at ``exec`` into its peak RSS
(``ru_maxrss``). A child forked straight from the benchmark driver (NumPy, Polars and
DuckDB loaded: 70+ MB) would report at least the driver's size. This launcher is a bare
``python -S`` (about 10 MB), so what ``wait4`` reports is the command's own peak, give or
take that floor. Standard library only; one JSON request per line on stdin, one JSON
answer per line on stdout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def serve() -> None:
    for line in sys.stdin:
        req = json.loads(line)
        out = open(req["stdout"], "wb") if req.get("stdout") else subprocess.DEVNULL
        err = open(req["stderr"], "wb")
        try:
            t0 = time.perf_counter()
            proc = subprocess.Popen(req["argv"], stdout=out, stderr=err, cwd=req.get("cwd"), env=req["env"])
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
            proc.returncode = os.waitstatus_to_exitcode(status)
        except OSError as exc:  # e.g. no such executable
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        else:
            reply = {"wall_s": wall, "exit": proc.returncode, "cpu_s": usage.ru_utime + usage.ru_stime,
                     "maxrss_kb": usage.ru_maxrss}
        finally:
            err.close()
            if out is not subprocess.DEVNULL:
                out.close()
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
