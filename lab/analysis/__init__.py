"""Analysis of an experiment's runs: final indicators of each run's returned set, anytime
traces, search → report generalization and transfer to other datasets or devices, summaries
over seeds, significance tests and rankings, written as tidy tables and LaTeX tables.

``analyze_experiment`` computes and writes everything; ``load_analysis`` reads it back (for
figure code) without recomputing.
"""

from lab.analysis.analyze import analyze_experiment
from lab.analysis.result import TABLES, AnalysisResult, analysis_dir, load_analysis
from lab.errors import AnalysisError

__all__ = [
    "TABLES",
    "AnalysisError",
    "AnalysisResult",
    "analysis_dir",
    "analyze_experiment",
    "load_analysis",
]
