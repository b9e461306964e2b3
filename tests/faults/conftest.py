"""What the fault tests share: PostgreSQL or a clear skip, and a private PostgreSQL cluster."""

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL, free_port, skip_or_fail


@pytest.fixture
def postgres_url() -> str:
    if not POSTGRES_URL:
        skip_or_fail("this fault test needs PostgreSQL: set TEST_DATABASE_URL")
    return POSTGRES_URL


def postgres_bin() -> Path | None:
    """The folder of this machine's PostgreSQL server programs, or None."""
    initdb = shutil.which("initdb")
    if initdb:
        return Path(os.path.realpath(initdb)).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class PrivateCluster:
    """A PostgreSQL cluster of this test's own, in a temporary folder, on a free loopback port.

    The shared server the rest of the suite uses is never stopped; this one can be, at will.
    """

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="statements-fault-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = free_port()
        # initdb and the server refuse to run as root: run them as the postgres user then
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.folder, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str, timeout: float = 60) -> None:
        completed = subprocess.run([*self.as_user, *command], capture_output=True, text=True, timeout=timeout,
                                   stdin=subprocess.DEVNULL)
        if completed.returncode != 0:
            server_log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed:\n{completed.stdout}{completed.stderr}{server_log}")

    def init(self) -> None:
        self._run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")

    def start(self) -> None:
        # fsync off: the test kills nothing but the server it stops itself, and it starts faster
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c shared_buffers=16MB -c max_connections=40")
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "-w", "-t", "30", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def remove(self) -> None:
        try:
            if self.running():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def private_postgres(postgres_url):
    bin_dir = postgres_bin()
    if bin_dir is None or not (bin_dir / "pg_ctl").exists():
        skip_or_fail("this fault test starts a PostgreSQL cluster of its own and found no initdb/pg_ctl "
                     "(on PATH or in /usr/lib/postgresql/*/bin)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        skip_or_fail("initdb refuses to run as root and runuser is missing to run it as the postgres user")
    cluster = PrivateCluster(bin_dir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()
