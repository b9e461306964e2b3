"""A bare Flask hello-world: the baseline every page benchmark is compared with.

Run it under gunicorn as ``benchmarks.hello_app:app`` from the project root.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
