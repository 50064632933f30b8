"""The reports of the gate commands, rendered from one :class:`~.model.Report`.

:mod:`~.model` builds the report from the SDK's records; :mod:`~.console` (terminal text),
:mod:`~.junit` (JUnit XML), :mod:`~.markdown` (GitHub step summary), :mod:`~.html` (a
self-contained page, with :mod:`~.charts`) and :mod:`~.json` (the ``--json`` document) render it.
"""
