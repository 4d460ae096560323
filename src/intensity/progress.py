"""Progress display: rich, on stderr, and only when stderr is a terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def file_progress(total: int, *, quiet: bool = False, label: str = "ingest") -> Iterator[Callable]:
    """Yield a callback that advances a bar of ``total`` files by one per call."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    progress = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.fields[current]}"),
        console=console, disable=quiet or not console.is_terminal, transient=True,
    )
    with progress:
        task = progress.add_task(label, total=total, current="")

        def advance(result=None) -> None:
            progress.update(task, advance=1, current=getattr(result, "path", ""))

        yield advance


@contextmanager
def stage(message: str, *, quiet: bool = False) -> Iterator[None]:
    """Show a spinner with ``message`` on stderr while a long step runs (terminal only)."""
    from rich.console import Console

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield
        return
    with console.status(message):
        yield
