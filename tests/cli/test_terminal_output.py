"""Terminal output: tables fold long names instead of cutting them, output to a pipe is not
squeezed into 80 columns, and every ``--help`` text is made of whole paragraphs."""

from __future__ import annotations

import io

import typer
from rich.table import Table
from typer.testing import CliRunner

from lab.cli.console import PIPE_WIDTH, LabConsole
from lab.cli.help_text import paragraphs
from lab.cli.main import app

LONG = "nb201-cifar10-err-flops-lat-pixel3-le12"


def _table() -> Table:
    table = Table()
    table.add_column("problem")
    table.add_column("description")
    table.add_row(LONG, "a description long enough to need wrapping in a narrow terminal " * 2)
    return table


def test_narrow_terminal_folds_long_names_instead_of_cutting_them():
    out = io.StringIO()
    LabConsole(file=out, width=40, force_terminal=False).print(_table())
    text = out.getvalue()
    assert "…" not in text
    # The name's pieces, read column by column, give the whole name back.
    cells = [line.split("│")[1].strip() for line in text.splitlines() if line.count("│") >= 3]
    assert "".join(cells).startswith(LONG)


def test_pipe_output_shows_full_names_on_one_line(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    out = io.StringIO()
    console = LabConsole(file=out)
    assert console.width == PIPE_WIDTH
    console.print(_table())
    assert any(LONG in line for line in out.getvalue().splitlines())


def test_columns_variable_wins_over_pipe_width(monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")
    assert LabConsole(file=io.StringIO()).width == 50


def test_paragraphs_join_lines_and_keep_lists():
    text = """First line
    continues here.

    Second paragraph
    (continued).

    - item one
    - item two
    """
    assert paragraphs(text) == (
        "First line continues here.\n\nSecond paragraph (continued).\n\n- item one\n- item two"
    )


def _commands(group, prefix: tuple[str, ...] = ()):
    yield prefix, group
    if hasattr(group, "list_commands"):  # a group (typer may bring its own copy of click)
        ctx = group.context_class(group)
        for name in group.list_commands(ctx):
            yield from _commands(group.get_command(ctx, name), (*prefix, name))


def test_every_help_text_is_made_of_whole_paragraphs():
    root = typer.main.get_command(app)
    seen = 0
    for path, command in _commands(root):
        texts = [command.help] + [getattr(p, "help", None) for p in command.params]
        for text in filter(None, texts):
            for para in text.split("\n\n"):
                lines = para.split("\n")
                is_list = all(line.lstrip().startswith(("-", "*", "\b")) for line in lines[1:])
                assert len(lines) == 1 or is_list, f"lab {' '.join(path)}: {para!r}"
            seen += 1
    assert seen > 30


def test_rendered_help_has_no_sentence_broken_by_the_source():
    runner = CliRunner()
    result = runner.invoke(app, ["figures", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "missing, or (with several recipes)" in result.output
