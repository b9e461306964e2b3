"""Run the app from a process of its own, configured from STATEMENTS_TEST_CONFIG (JSON): serve it
on a free loopback port (printing the port for the test that started it), or, given a command
line, run that flask command (for example `worker`) as `flask --app wsgi ...` would."""

import json
import os
import sys

from werkzeug.serving import make_server

from statements import create_app

app = create_app(json.loads(os.environ["STATEMENTS_TEST_CONFIG"]))
if sys.argv[1:]:
    with app.app_context():
        app.cli.main(args=sys.argv[1:], prog_name="flask")
server = make_server("127.0.0.1", 0, app, threaded=True)
print(f"serving on port {server.server_port}", flush=True)
server.serve_forever()
