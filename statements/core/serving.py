"""What a long-running server process does once its app is made."""

import gc

from flask import Flask


def settle(app: Flask) -> Flask:
    """Leave what the process made to start (modules, the app, its templates' environment, the tables'
    metadata: some 180,000 objects) out of the cyclic garbage collector's full passes.

    They live as long as the process; yet each full pass walked all of them again, a stall of about a tenth
    of a second for the request that set it off (`benchmarks/bench_gc.py`). Called once, where a server
    imports the app (`wsgi.py`), never where many apps are made in one process (the tests), whose garbage it
    would keep.
    """
    gc.collect()
    gc.freeze()
    return app
