"""A mail sender in a process of its own, as `flask mail send`, `flask worker` or an app process
with MAIL_SEND_IN_PROCESS run it: started by the tests to deliver one outbox side by side.

Usage: python -m tests.mail.sender_process SETTINGS_JSON, where the settings give the app's
configuration ("config"), how many threads deliver ("threads"), a file whose appearance starts
them all at once ("go"), and "die_while_sending" to stop the process dead in the middle of
sending its first message, as a crash or a SIGKILL would.
"""

import json
import os
import sys
import threading
import time

from statements import create_app
from statements.extensions import db
from statements.mail.services import deliver_pending
from statements.mail.transports import transport_from_config


class DiesWhileSending:
    """A transport whose process ends the moment it starts to send: nothing reaches the server."""

    def send(self, message) -> None:
        os._exit(3)


def wait_for(path: str) -> None:
    while not os.path.exists(path):
        time.sleep(0.005)


def deliver_until_empty(app, transport, totals: list) -> None:
    """Deliver rounds until a round finds nothing to do, adding what was sent to totals."""
    with app.app_context():
        try:
            while True:
                counts = deliver_pending(transport)
                totals.append(counts)
                if counts == {"sent": 0, "failed": 0}:
                    return
        finally:
            db.session.remove()


def main(settings: dict) -> None:
    app = create_app(settings["config"])
    transport = DiesWhileSending() if settings.get("die_while_sending") else transport_from_config(app.config)
    totals: list = []
    threads = [threading.Thread(target=deliver_until_empty, args=(app, transport, totals))
               for _ in range(settings.get("threads", 1))]
    if settings.get("go"):
        wait_for(settings["go"])
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"sent": sum(c["sent"] for c in totals), "failed": sum(c["failed"] for c in totals)}))


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
