"""Deterministic Bluejay data: simulations, runs and per-call results, all derived from a seed.

One module per job: :mod:`.common` (seeded generators, ids, timestamps), :mod:`.simulations`
(simulation records and run plans), :mod:`.results` (a result as retrieve returns it),
:mod:`.calls` (tool calls and events), :mod:`.evaluations` (verdicts and metrics), and the plain
data they draw from, :mod:`.catalogue` and :mod:`.phrases`.
"""
