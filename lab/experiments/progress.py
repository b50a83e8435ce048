"""Progress display of a sweep: a rich bar (runs done, failed, elapsed, ETA) and one line per
finished run with its wall time and final hypervolume."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from lab.experiments.expansion import RunSpec


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
            TextColumn("[red]{task.fields[failed]} failed"),
            TextColumn("elapsed"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
            disable=not enabled,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> SweepProgress:
        if self.enabled:
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self._progress.stop()

    def start(self, description: str, total: int) -> None:
        self._task = self._progress.add_task(description, total=total, failed=0)

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

    def skipped(self, count: int = 1) -> None:
        """Runs another sweep completed meanwhile: they leave this sweep's total."""
        if self._task is not None and count:
            task = next(t for t in self._progress.tasks if t.id == self._task)
            self._progress.update(self._task, total=(task.total or 0) - count)
