"""Attack: Rich markup and terminal escape sequences in specs, labels, titles and stores.

Before: ``lab bench show`` and ``lab results show`` printed a spec's title, a problem's
description or a run's label as Rich markup, so ``[link=...]`` became a clickable link showing
other text, ``[conceal]`` hid text and a stray ``[/x]`` stopped the command; ``ESC`` sequences
reached the terminal raw (window title, clear screen) (A8/A9). A newline in a label broke the
LaTeX tables (A7). Now untrusted text goes through :mod:`lab.terminal_text` (markup escaped,
control characters replaced by visible stand-ins) and the LaTeX writer turns control
characters into spaces.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from tests.security._user_bench import write_bench

LINK = "[link=http://evil.example]click here[/link]"
TITLE_ESC = "\x1b]0;pwned\x07"  # sets the terminal's window title
CLEAR = "\x1b[2J"
CSI_C1 = "\x9b2J"  # the one-byte CSI of C1 controls
RLO = "\u202e"  # right-to-left override


def _console_output(*objects) -> str:
    from lab.cli.console import make_console

    out = io.StringIO()
    make_console(file=out, width=200).print(*objects)
    return out.getvalue()


def test_markup_safe_keeps_markup_as_text_and_replaces_every_control_character() -> None:
    from lab.terminal_text import markup_safe, plain

    text = f"{LINK} [conceal]hidden[/conceal] [/x] {TITLE_ESC}{CLEAR}{CSI_C1}{RLO}\ttab\r\b"
    shown = _console_output(f"[bold]{markup_safe(text)}[/]")
    assert LINK in shown and "[conceal]hidden[/conceal]" in shown and "[/x]" in shown
    for ch in ("\x1b", "\x07", "\x9b", RLO, "\r", "\b"):
        assert ch not in shown
    assert "␛]0;pwned␇" in shown and "\ttab" in plain("\ttab")
    assert plain("a\nb") == "a\nb" and plain("a\nb", newlines=False) == "a␊b"


def test_the_console_replaces_control_characters_in_tables_and_texts() -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table("name", title=f"title {CLEAR}")
    table.add_row(Text(f"cell {TITLE_ESC}", style="bold"))
    shown = _console_output(table, Text(f"text {CSI_C1}"))
    assert "\x1b" not in shown and "\x9b" not in shown and "␛[2J" in shown


def test_bench_show_prints_a_user_benchmarks_title_and_description_as_text(user_workdir) -> None:
    from lab.cli.main import app

    spec = write_bench(
        user_workdir, title=f"{LINK} {TITLE_ESC}", description=f"[conceal]hidden[/conceal] {CLEAR}"
    )
    runner = CliRunner()
    result = runner.invoke(app, ["bench", "import", "tiny", "--from", str(spec)])
    assert result.exit_code == 0, result.output
    shown = runner.invoke(app, ["bench", "show", "tiny"])
    assert shown.exit_code == 0, shown.output
    assert LINK in shown.output and "\x1b" not in shown.output and "\x07" not in shown.output
    problem = runner.invoke(app, ["bench", "show", "tiny-err-size"])
    assert problem.exit_code == 0, problem.output
    assert "[conceal]hidden[/conceal]" in problem.output and "\x1b" not in problem.output
    listed = runner.invoke(app, ["bench", "list"])
    assert listed.exit_code == 0, listed.output
    assert "[link=http://evil.example]" in listed.output and "\x1b" not in listed.output


def test_results_summary_prints_labels_and_problems_from_manifests_as_text() -> None:
    from lab.results.manifest_summary import summary_table

    summary = pd.DataFrame(
        [{"problem": f"p{CLEAR}", "label": f"{LINK}[/x]", "runs": 2, "failed": 0,
          "hv_median": 0.5, "hv_q25": 0.4, "hv_q75": 0.6, "hv_iqr": 0.2, "wall_mean_s": 1.0}]
    )  # fmt: skip
    shown = _console_output(summary_table(summary))
    assert LINK in shown and "[/x]" in shown and "\x1b" not in shown


def test_results_ls_prints_folder_names_as_text(tmp_path: Path) -> None:
    from lab.cli.main import app

    (tmp_path / "[bold]loud[" / "runs").mkdir(parents=True)
    result = CliRunner().invoke(
        app, ["results", "ls", "--results-dir", str(tmp_path)], env={"COLUMNS": "250"}
    )
    assert result.exit_code == 0, result.output
    assert "[bold]loud[" in result.output


def test_an_error_message_quoting_a_file_prints_its_text_as_text(capsys) -> None:
    from lab.cli.error_report import print_error

    print_error(f"spec.yaml: unknown problem '{LINK}{TITLE_ESC}'")
    err = capsys.readouterr().err
    assert LINK in err and "\x1b" not in err and "\x07" not in err


def test_a_newline_in_a_label_does_not_break_the_latex_table() -> None:
    from lab.analysis.latex import latex_table

    summary = pd.DataFrame(
        [{"metric": "hv_normalized", "problem": "p", "label": label, "median": m, "iqr": 0.1,
          "count": 5} for label, m in (("base", 0.5), ("evil\n\nlabel\r%", 0.6))]
    )  # fmt: skip
    pairwise = pd.DataFrame(columns=["metric", "family", "problem", "algorithm", "verdict", "test"])
    tex = latex_table(
        summary, pairwise, metric="hv_normalized", higher_is_better=True, experiment="e",
        baseline="base", alpha=0.05,
    )  # fmt: skip
    assert "\n\n" not in tex and "\r" not in tex
    header = next(line for line in tex.splitlines() if line.startswith("Problem"))
    assert header == r"Problem & base & evil  label \% \\"
