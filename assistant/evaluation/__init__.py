"""Evaluation suites: load them, run our method and the baselines, score and report.

Public API: :func:`load_suite`, :func:`run_suite`, :func:`main` (``pairing eval``),
the pure metrics in :mod:`assistant.evaluation.metrics`, the baselines in
:mod:`assistant.evaluation.baselines` and the renderers in :mod:`assistant.evaluation.report`.
Importing this package stays light: the runner (which imports the chat) loads lazily.
"""

from assistant.evaluation.suite import QueryCase, Suite, discover, load_suite

__all__ = ["QueryCase", "Suite", "discover", "load_suite"]
