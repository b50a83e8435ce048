"""Attacks on fitting and saving surrogates.

Before: a NaN or infinite value in a metric that is no problem's objective was accepted at
import, and ``lab surrogate fit -t`` that metric then stopped with scikit-learn's "Input y
contains NaN" reported as a defect of the lab (G1); surrogate folders were created ``0700``
(``tempfile.mkdtemp``) whatever the umask; and ``surrogate fit --force`` deleted the old
surrogate before renaming the new one in, so a process killed in between lost both.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from typer.testing import CliRunner

from lab.cli.main import app
from tests.security._user_bench import table_rows, write_bench

FIT = ["surrogate", "fit", "s", "-b", "tiny", "-p", "knn", "--n-train", "10"]


def _import(folder: Path, rows: str | None = None) -> CliRunner:
    runner = CliRunner()
    spec = write_bench(folder, rows=rows)
    result = runner.invoke(app, ["bench", "import", "tiny", "--from", str(spec)])
    assert result.exit_code == 0, result.output
    return runner


def test_nan_in_a_non_objective_metric_is_a_clear_error_naming_the_metric_and_rows(
    user_workdir: Path,
) -> None:
    runner = _import(user_workdir, rows=table_rows(energy={3: "nan", 7: "inf"}))
    result = runner.invoke(app, [*FIT, "-t", "energy", "--n-train", "0"])
    assert result.exit_code == 2, result.output
    out = " ".join(result.output.split())
    assert "metric 'energy' is NaN or infinite in 2 of the 16 rows" in out
    assert "arch ids" in out and "defect" not in out
    assert not (user_workdir / "surrogates" / "s").exists()


def test_surrogate_folders_honour_the_umask(user_workdir: Path) -> None:
    runner = _import(user_workdir)
    old = os.umask(0o022)
    try:
        result = runner.invoke(app, [*FIT, "-t", "size"])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    folder = user_workdir / "surrogates" / "s"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    assert stat.S_IMODE((folder / "card.json").stat().st_mode) == 0o644


def test_force_keeps_a_complete_surrogate_on_disk_at_every_moment(
    user_workdir: Path, monkeypatch
) -> None:
    import lab.surrogates.artifact as artifact

    runner = _import(user_workdir)
    assert runner.invoke(app, [*FIT, "-t", "size"]).exit_code == 0
    folder = user_workdir / "surrogates" / "s"
    first = (folder / "card.json").read_bytes()

    seen: list[bool] = []
    real_rmtree = artifact.shutil.rmtree

    def rmtree(path, *args, **kwargs):
        # What is deleted is never the surrogate's folder, and while anything is deleted that
        # folder holds a complete surrogate.
        seen.append(Path(path) != folder and (folder / artifact.CARD_FILE).is_file())
        return real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(artifact.shutil, "rmtree", rmtree)
    result = runner.invoke(app, [*FIT, "-t", "size", "--seed", "1", "--force"])
    assert result.exit_code == 0, result.output
    assert seen and all(seen)
    assert (folder / "card.json").read_bytes() != first
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]


def test_force_that_fails_to_rename_the_new_one_in_keeps_the_old_one(
    user_workdir: Path, monkeypatch
) -> None:
    import lab.surrogates.artifact as artifact

    runner = _import(user_workdir)
    assert runner.invoke(app, [*FIT, "-t", "size"]).exit_code == 0
    folder = user_workdir / "surrogates" / "s"
    first = (folder / "card.json").read_bytes()
    real_replace = os.replace

    def replace(src, dst):
        # Only the rename of the new surrogate's folder into place fails.
        if Path(dst) == folder and Path(src).is_dir() and Path(src).name.endswith(".tmp"):
            raise OSError(28, "No space left on device", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(artifact.os, "replace", replace)
    result = runner.invoke(app, [*FIT, "-t", "size", "--seed", "1", "--force"])
    monkeypatch.setattr(artifact.os, "replace", real_replace)
    assert result.exit_code == 2, result.output
    assert "No space left on device" in result.output
    assert (folder / "card.json").read_bytes() == first
    assert artifact.load_surrogate("s").name == "s"
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]
