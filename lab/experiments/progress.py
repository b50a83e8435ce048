"""Progress display of a sweep: a rich bar (runs done, failed, elapsed, ETA), one line per
finished run with its wall time and final hypervolume, and, while a BO seed batch runs, a bar of
its own (evaluations each seed has made of its budget, their rate and an ETA): a batch of 15 BO
seeds runs for minutes before any of its runs finishes.

A seed batch runs in a worker process (or on a Ray node); it writes its progress as a small
JSON file (:func:`write_batch_progress`) that the sweep's loop reads (:func:`read_batch_progress`)
while it waits. With ``--workers 1`` the batch runs in the loop's own thread, so a
:class:`BatchFileWatcher` thread reads the file instead.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from lab.experiments.expansion import RunSpec

#: Seconds between two looks at the progress file of a seed batch running in this process.
WATCH_EVERY_S = 1.0
#: Largest progress file read (bytes): it holds four numbers and a name.
MAX_PROGRESS_BYTES = 4096


def write_batch_progress(path: Path | str, done: int, budget: int, seeds: int, what: str) -> None:
    """Write a seed batch's progress (``done`` of ``budget`` evaluations per seed) to ``path``
    atomically (a reader never sees half a file)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    payload = {"done": int(done), "budget": int(budget), "seeds": int(seeds), "what": str(what)}
    tmp.write_text(json.dumps(payload), encoding="utf-8")
    os.replace(tmp, path)


def read_batch_progress(path: Path | str) -> dict[str, Any] | None:
    """The progress a seed batch wrote to ``path``, or ``None`` when there is none yet or it is
    not a small file of the expected fields."""
    path = Path(path)
    try:
        if not path.is_file() or path.stat().st_size > MAX_PROGRESS_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    try:
        out = {k: int(data[k]) for k in ("done", "budget", "seeds")}
    except (KeyError, TypeError, ValueError):
        return None
    return {**out, "what": str(data.get("what", ""))[:200]}


class FailedOrRateColumn(ProgressColumn):
    """Failed runs on the sweep's bar; evaluations per second (per seed) on a seed batch's."""

    def render(self, task: Task) -> Text:
        if task.fields.get("batch"):
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:.2f} eval/s", style="cyan")
        return Text(f"{task.fields.get('failed', 0)} failed", style="red")


class SweepProgress:
    """Context manager; ``enabled=False`` turns every call into a no-op."""

    def __init__(self, console: Console | None = None, *, enabled: bool = True) -> None:
        self.console = console or Console()
        self.enabled = enabled
        self.failed = 0
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            FailedOrRateColumn(),
            TextColumn("elapsed"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
            disable=not enabled,
        )
        self._task: TaskID | None = None
        self._batches: dict[str, TaskID] = {}

    def __enter__(self) -> SweepProgress:
        if self.enabled:
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self._progress.stop()

    def start(self, description: str, total: int) -> None:
        self._task = self._progress.add_task(description, total=total, failed=0, batch=False)

    def run_finished(self, spec: RunSpec, manifest: dict[str, Any]) -> None:
        """Advance the bar and print the run's line."""
        ok = manifest.get("status") == "ok"
        if not ok:
            self.failed += 1
        if self._task is not None:
            self._progress.update(self._task, advance=1, failed=self.failed)
        if not self.enabled:
            return
        what = escape(f"{spec.problem}  {spec.label}  seed {spec.seed}")
        wall = manifest.get("wall_time_s") or 0.0
        if ok:
            hv = (manifest.get("final") or {}).get("hv_normalized")
            hv_text = f"HV {hv:.4f}" if isinstance(hv, float) else ""
            self._progress.console.print(f"[green]ok[/]     {what}  {wall:.2f} s  {hv_text}")
        else:
            error = manifest.get("error") or {}
            message = escape(f"{error.get('type', 'Error')}: {error.get('message', '')}")
            self._progress.console.print(
                f"[red]FAILED[/] {what}  {wall:.2f} s  {message}  [dim]run {spec.run_id}[/]"
            )

    def batch_progress(self, key: str, progress: dict[str, Any]) -> None:
        """Show (or advance) the bar of the seed batch ``key``: evaluations per seed done of
        the budget, their rate and an ETA."""
        description = escape(f"  {progress['what']}, {progress['seeds']} seeds: evaluations")
        if key not in self._batches:
            self._batches[key] = self._progress.add_task(
                description,
                total=progress["budget"],
                completed=progress["done"],
                failed=0,
                batch=True,
            )
        else:
            self._progress.update(
                self._batches[key], completed=progress["done"], total=progress["budget"]
            )

    def batch_task(self, key: str):
        """The rich task of the seed batch ``key`` (``None`` when it has none)."""
        task_id = self._batches.get(key)
        return next((t for t in self._progress.tasks if t.id == task_id), None)

    def batch_finished(self, key: str) -> None:
        """Remove the seed batch's bar (its runs' lines follow)."""
        task_id = self._batches.pop(key, None)
        if task_id is not None:
            self._progress.remove_task(task_id)

    def skipped(self, count: int = 1) -> None:
        """Runs another sweep completed meanwhile: they leave this sweep's total."""
        if self._task is not None and count:
            task = next(t for t in self._progress.tasks if t.id == self._task)
            self._progress.update(self._task, total=(task.total or 0) - count)


class BatchFileWatcher:
    """While a seed batch runs in this process (``--workers 1``, where the sweep's loop waits
    inside the batch), a daemon thread shows the batch's progress file under the sweep's bar
    every ``every_s`` seconds (default :data:`WATCH_EVERY_S`); leaving the block removes it."""

    def __init__(self, bar: SweepProgress, path: Path | str, every_s: float | None = None) -> None:
        self._bar, self._path = bar, Path(path)
        self._every_s = WATCH_EVERY_S if every_s is None else every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, name="lab-batch-progress", daemon=True)

    def _show(self) -> None:
        if (seen := read_batch_progress(self._path)) is not None:
            self._bar.batch_progress(str(self._path), seen)

    def _poll(self) -> None:
        while not self._stop.wait(self._every_s):
            self._show()

    def __enter__(self) -> BatchFileWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._bar.batch_finished(str(self._path))
