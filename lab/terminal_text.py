"""Untrusted text on the terminal: the one helper every command prints names, titles, labels,
descriptions and error messages through.

Specs, sweep configs, results stores and surrogate cards may come from someone else, and the
terminal interprets two kinds of text in what it is given:

* **Rich markup**: the lab prints with :mod:`rich`, which reads ``[bold]``, ``[link=URL]`` (a
  clickable link that shows other text), ``[conceal]`` (hidden text) in every string it prints;
  a stray ``[/x]`` even stops the command with a markup error;
* **control characters**: ``ESC`` starts sequences that set the window title, clear the screen,
  move the cursor or make links; carriage return, backspace and Unicode direction overrides make
  a line show something other than what it holds.

:func:`plain` replaces each control character with a visible stand-in of the same length (the
Unicode "control picture" ``␛`` for ``ESC``, ``U+FFFD`` for C1 controls and direction overrides),
so that styled :class:`rich.text.Text` spans stay aligned; :func:`markup_safe` also escapes
markup (:func:`rich.markup.escape`), for text put into a string Rich parses as markup (an f-string
passed to ``console.print``, a table cell, a title)::

    console.print(f"[bold]{markup_safe(problem.name)}[/]: {markup_safe(spec.description)}")
"""

from __future__ import annotations

from rich.markup import escape

_REPLACEMENT = "\ufffd"

#: Unicode format characters that reorder or hide text (bidirectional embeddings, overrides and
#: isolates, the Arabic letter mark): a line could show its characters in another order.
_DIRECTION_CONTROLS = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))


def _table(*, newlines: bool) -> dict[int, str]:
    table: dict[int, str] = {c: chr(0x2400 + c) for c in range(0x20)}  # ␀ .. ␟
    del table[ord("\t")]  # a tab only moves to the next tab stop
    if newlines:
        del table[ord("\n")]
    table[0x7F] = "\u2421"  # ␡
    table.update({c: _REPLACEMENT for c in range(0x80, 0xA0)})  # C1 controls (CSI is 0x9b)
    table.update({c: _REPLACEMENT for c in _DIRECTION_CONTROLS})
    return table


_KEEP_NEWLINES = _table(newlines=True)
_ONE_LINE = _table(newlines=False)


def plain(value: object, *, newlines: bool = True) -> str:
    """``str(value)`` with every control character replaced by a visible stand-in of one
    character (tabs kept; newlines kept unless ``newlines=False``)."""
    return str(value).translate(_KEEP_NEWLINES if newlines else _ONE_LINE)


def markup_safe(value: object, *, newlines: bool = True) -> str:
    """``str(value)`` ready to go inside Rich markup: control characters replaced (see
    :func:`plain`) and markup escaped, so that it prints as the characters it holds."""
    return escape(plain(value, newlines=newlines))


__all__ = ["markup_safe", "plain"]
