"""Benchmarks of the pairing assistant (``pairing bench``), outside the runtime package.

:mod:`benchmarks.run` measures a synthetic cohort (:mod:`benchmarks.synthetic`) end to
end; :mod:`benchmarks.cold` times a cold ``pairing ask`` against loading the model;
:mod:`benchmarks.peers` pairs the same graph with a plain MILP, greedy and networkx.
"""
