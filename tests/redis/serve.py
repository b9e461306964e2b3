"""Serve the app from a process of its own on a free loopback port, configured from
STATEMENTS_TEST_CONFIG (JSON); print the port for the test that started it."""

import json
import os

from werkzeug.serving import make_server

from statements import create_app

app = create_app(json.loads(os.environ["STATEMENTS_TEST_CONFIG"]))
server = make_server("127.0.0.1", 0, app, threaded=True)
print(f"serving on port {server.server_port}", flush=True)
server.serve_forever()
