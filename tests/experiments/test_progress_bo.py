"""Progress inside a BO seed batch: the batch reports every round (evaluations each seed has
made, of its budget), the runner's task writes it where the sweep's bar reads it, and the bar
shows evaluations done, their rate and an ETA."""

from __future__ import annotations

import json

from lab.algorithms.mobo.seed_batch import SeedBatch
from lab.algorithms.registry import make_algorithm
from lab.experiments.progress import SweepProgress, read_batch_progress
from tests.algorithms.conformance import load_problem_or_skip

FAST = {"mc_samples": 8, "n_screen": 8, "warm_maxiter": 5, "fit_maxiter": 30}


def test_a_seed_batch_reports_every_round():
    problem = load_problem_or_skip("nbg-cora-err-lat")
    batch = [
        make_algorithm("qparego", problem, budget=14, seed=s, n_init=8, batch_size=2, params=FAST)
        for s in (0, 1)
    ]
    calls: list[tuple[int, int]] = []
    histories = SeedBatch(batch).run(on_iteration=lambda n, b: calls.append((n, b)))
    # Rounds of 2 after the 8 shared initial evaluations: 10, 12, 14 of 14.
    assert calls == [(10, 14), (12, 14), (14, 14)]
    assert all(len(h) == 14 for h in histories)


def test_the_bar_reads_batch_progress_files(tmp_path):
    path = tmp_path / "batch.json"
    path.write_text(json.dumps({"done": 30, "budget": 100, "seeds": 4, "what": "p qnehvi"}))
    assert read_batch_progress(path) == {"done": 30, "budget": 100, "seeds": 4, "what": "p qnehvi"}
    (tmp_path / "bad.json").write_text("{not json")
    assert read_batch_progress(tmp_path / "bad.json") is None
    assert read_batch_progress(tmp_path / "missing.json") is None
    with SweepProgress(enabled=False) as bar:
        bar.start("sweep", total=4)
        bar.batch_progress("k", {"done": 30, "budget": 100, "seeds": 4, "what": "p qnehvi"})
        task = bar.batch_task("k")
        assert task.completed == 30 and task.total == 100
        assert "4 seeds" in task.description
        bar.batch_progress("k", {"done": 50, "budget": 100, "seeds": 4, "what": "p qnehvi"})
        assert bar.batch_task("k").completed == 50
        bar.batch_finished("k")
        assert bar.batch_task("k") is None
