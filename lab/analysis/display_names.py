"""Display names of the registered algorithms, as papers write them (``nsga2`` -> NSGA-II), for
every artefact a reader sees: figure legends and ticks, LaTeX tables, the HTML report.

A variant label is its registry name and its settings (``nsga2 pop_size=20``); it is shown as
the algorithm's display name followed by the same settings. Names the table does not know are
shown as they are.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Display names of the registered algorithms (legends, axis ticks, tables). Values with ``$``
#: are LaTeX math (matplotlib renders it; LaTeX tables keep it unescaped).
ALGORITHM_NAMES: dict[str, str] = {
    "random": "Random",
    "nsga2": "NSGA-II",
    "nsga3": "NSGA-III",
    "moead": "MOEA/D",
    "smsemoa": "SMS-EMOA",
    "spea2": "SPEA2",
    "agemoea": "AGE-MOEA",
    "mopso_cd": "MOPSO-CD",
    "ibea": "IBEA",
    "scalarized_ws": "Weighted sum",
    "scalarized_tcheby": "Chebyshev",
    "eps_constraint": r"$\varepsilon$-constraint",
    "pls": "PLS",
    "reinforce": "REINFORCE",
    "tpe": "MO-TPE",
    "qnehvi": "qNEHVI",
    "qehvi": "qEHVI",
    "qparego": "qParEGO",
    "nsga2_warm": "NSGA-II (warm)",
    "smsemoa_warm": "SMS-EMOA (warm)",
    "zeroshot": "Zero-shot",
    "mtbo_qnehvi": "MT-qNEHVI",
    "mtbo_qparego": "MT-qParEGO",
    "progressive": "Progressive",
}


def display_label(label: str, overrides: Mapping[str, str] | None = None) -> str:
    """How ``label`` is shown: ``overrides[label]`` if given, else its registry name's display
    name followed by the rest of the label (``nsga2 pop_size=20`` -> ``NSGA-II pop_size=20``),
    else the label itself."""
    if overrides and label in overrides:
        return overrides[label]
    base, sep, rest = str(label).partition(" ")
    name = ALGORITHM_NAMES.get(base)
    return label if name is None else f"{name}{sep}{rest}"


def plain_text(name: str) -> str:
    """``name`` without LaTeX math (``$\\varepsilon$-constraint`` -> ``ε-constraint``), for
    HTML and terminals."""
    return name.replace(r"$\varepsilon$", "ε").replace("$", "")
