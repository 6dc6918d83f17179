"""Running user queries in worker processes that can be killed.

Why processes: a pyoxigraph query cannot be interrupted from Python, and a thread stuck in one
keeps its CPU and its GIL share; Oxigraph's own timeout fires only after `200 OK` is sent. So each
worker is a separate process holding the store open read-only. The web process hands a request
to an idle worker and waits for the answer in a helper thread (the event loop never blocks);
when the time limit passes, the worker is killed (SIGKILL), its answer forgotten, and a fresh
worker started in the background. A runaway query thus costs one worker for at most the time
limit, and every other request is served by the other workers.

Everything a query does — safety checks, evaluation, serialisation, the row cap — happens in the
worker, so parse time and serialisation time count against the limit too.

A new build switches `build/current`; the pool is then told the new store's path and every
request carries the path it is meant for. A worker reopens the store when the path changes, so
a request sent before the switch finishes on the old release and the next one sees the new
release whole — never a mixture.

A worker answers from the on-disk store as soon as it has opened it, and from a copy of the
release in its own memory once that is loaded (`memory_copy`; releases up to
`Settings.memory_copy_quads`): the heavy analytical queries run up to twice as fast there.

The modules:

- `messages`: the request and answer that cross the pipe;
- `execution`: what a worker does with one request (check, evaluate, serialise);
- `process`: the worker process's main loop and its ties to the web process;
- `handle`: one worker as the web process sees it;
- `pool`: the pool that hands requests to workers and enforces the limits.
"""

from foerdergraph.serve.workers.execution import Prepared, execute, prepare
from foerdergraph.serve.workers.messages import (
    TRUNCATED_HEADER,
    QueryRequest,
    QueryResponse,
    decode_term,
    encode_term,
)
from foerdergraph.serve.workers.pool import WorkerPool, default_pool_size

__all__ = [
    "TRUNCATED_HEADER",
    "Prepared",
    "QueryRequest",
    "QueryResponse",
    "WorkerPool",
    "decode_term",
    "default_pool_size",
    "encode_term",
    "execute",
    "prepare",
]
