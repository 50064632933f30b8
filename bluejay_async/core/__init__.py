"""The core that both clients stand on: ``bluejay_async`` and ``cognigy_async`` build on it.

One place for each job:

- :mod:`~bluejay_async.core.transport`: one request with its attempts (the I/O), handing a
  success to the decode step it is given and every failure to the error mapping;
- :mod:`~bluejay_async.core.urls`, :mod:`~bluejay_async.core.redirects`: which base URLs are
  accepted, which redirects are followed;
- :mod:`~bluejay_async.core.credentials`: the auth headers, and their redaction from errors and
  logs; :mod:`~bluejay_async.core.options`: the per-client options, checked;
- :mod:`~bluejay_async.core.pool`: the ``aiohttp`` session of each event loop, and its slots;
- :mod:`~bluejay_async.core.body`: reading a body within ``max_response_bytes``;
- :mod:`~bluejay_async.core.retry`: :class:`RetryPolicy` and the retry decision (what is retried,
  how long to wait, when to give up), read by the single-call loop and the bulk loop alike;
- :mod:`~bluejay_async.core.errors`: the exception tree (public as :mod:`bluejay_async.errors`);
- :mod:`~bluejay_async.core.error_mapping`: an HTTP error response to its typed error;
- :mod:`~bluejay_async.core.codec`: JSON bytes in and out (one rule for request bodies);
- :mod:`~bluejay_async.core.converter`: JSON to records and back (the decode path), one job
  per module in :mod:`~bluejay_async.core.decode` (parse, hooks, pure, fast, explain);
- :mod:`~bluejay_async.core.markers`: annotations records use to say how a field is encoded;
- :mod:`~bluejay_async.core.validation`: argument checks made before anything is sent;
- :mod:`~bluejay_async.core.bulk` and :mod:`~bluejay_async.core.adaptive`: many requests at once,
  in a window that adapts to the server's throttling; :mod:`~bluejay_async.core.attempts` (each
  key's attempts under the :class:`RetryPolicy`), :mod:`~bluejay_async.core.rate` (the pure
  send-rate calculator), :mod:`~bluejay_async.core.keys` (reading the keys lazily) and
  :mod:`~bluejay_async.core.outcome` (``Success`` / ``Failure``) are its parts;
- :mod:`~bluejay_async.core.client_base`: the lifecycle both clients share;
- :mod:`~bluejay_async.core.lazy`: packages that import their public names on first use.

Nothing here knows a Bluejay or Cognigy endpoint; the clients' resources do.
"""
