"""Atomic publication of report folders and the ``latest`` pointer.

A report is written into a hidden temporary folder next to its destination and
renamed into place only when complete; ``latest`` is a symlink replaced with
``os.replace``. A run killed at any moment therefore leaves ``latest`` pointing
at the previous complete report, never at a half-written one.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path


def staging_dir(out: Path, slug: str) -> Path:
    """A fresh temporary folder inside ``out`` for building report ``slug``."""
    out.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f".{slug}.tmp-{os.getpid()}-", dir=out))
    # mkdtemp makes it 0700; the published folder gets a normal folder's mode (0777 less the
    # umask), so a web server or a colleague can read reports/latest.
    path.chmod(0o777 & ~_umask())
    return path


def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read it is to set it
    os.umask(mask)
    return mask


def publish(staging: Path, out: Path, slug: str, *, update_latest: bool = True) -> Path:
    """Move a finished report from ``staging`` to ``out/slug`` and point ``out/latest`` at it.

    An existing ``out/slug`` is replaced; the old copy is removed only after the
    new one is in place.
    """
    final = out / slug
    old = None
    if final.exists() or final.is_symlink():
        old = out / f".{slug}.old-{os.getpid()}"
        os.replace(final, old)
    os.replace(staging, final)
    if update_latest:
        tmp_link = out / f".latest.tmp-{os.getpid()}"
        if tmp_link.is_symlink() or tmp_link.exists():
            tmp_link.unlink()
        os.symlink(slug, tmp_link)
        os.replace(tmp_link, out / "latest")
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return final


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep(out: Path) -> list[Path]:
    """Remove temporary folders left by dead processes; return what was removed.

    Names carry the writer's PID (``.<slug>.tmp-<pid>-...``), so a folder that a
    live process is still writing is left alone.
    """
    removed = []
    if out.is_dir():
        for p in sorted(out.iterdir()):
            m = re.match(r"^\..*\.(?:tmp|old)-(\d+)", p.name)
            if m and not _alive(int(m.group(1))):
                if p.is_symlink() or p.is_file():
                    p.unlink()
                else:
                    shutil.rmtree(p, ignore_errors=True)
                removed.append(p)
    return removed
