"""The reports of the gate commands, rendered from one :class:`~.model.Report`.

:mod:`~.from_bluejay` and :mod:`~.from_cognigy` build it from the SDK's records
(:mod:`~.model` holds its parts); :mod:`~.console` (terminal text),
:mod:`~.junit` (JUnit XML), :mod:`~.markdown` (GitHub step summary), :mod:`~.html` (a
self-contained page, with :mod:`~.charts`) and :mod:`~.json` (the ``--json`` document) render it.
"""
