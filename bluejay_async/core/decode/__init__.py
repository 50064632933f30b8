"""The decode path, one module per job; :mod:`bluejay_async.core.converter` is its front door.

- :mod:`.parse`: response bytes into JSON values (integers exact at any size);
- :mod:`.scalars`: strict JSON scalars and timestamps, the leaves of every record;
- :mod:`.hooks`: the cattrs converter, with cattrs' generated structure function per record;
- :mod:`.pure`: the pure path (JSON values into records, and records back into JSON values);
- :mod:`.explain`: every bad field of a body that does not fit, by its JSON path;
- :mod:`.fast`: the msgspec path (bytes straight into the same records, with the ``fast`` extra);
- :mod:`.mirrors`: the wire classes msgspec reads records with camelCase names or epoch
  milliseconds through (Cognigy's), turned into the records themselves as they are built.

How a record's fields are written in JSON (camelCase names, epoch milliseconds, ``null`` lists)
is declared with :mod:`bluejay_async.core.markers`.
"""
