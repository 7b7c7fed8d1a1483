"""A throwaway PostgreSQL cluster for the test suite, started from Debian's binaries.

If PULSO_TEST_POSTGRES_URL is set (a server `.ci/run` or a developer started), it is used instead.
As root, the cluster runs as the `postgres` system user, since initdb refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries were found; `make test` installs them."""


def find_bindir() -> Path:
    """The newest installed PostgreSQL's bin directory."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise PostgresUnavailable(
            "PostgreSQL server binaries are missing; run `make test` (it installs Debian's postgresql) "
            "or set PULSO_TEST_POSTGRES_URL"
        )
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] + cmd
    return cmd


class Cluster:
    """A cluster in a temporary directory, listening on 127.0.0.1 only."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="pulso-pg-"))
        self.port = _free_port()
        self.user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")

    def start(self) -> "Cluster":
        data, sock = self.root / "data", self.root / "sock"
        sock.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(sock, "postgres")
        subprocess.run(
            _as_postgres([str(self.bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", self.user,
                          "-E", "UTF8", "--locale=C.UTF-8"]),
            check=True, capture_output=True,
        )
        opts = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {sock} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        subprocess.run(
            _as_postgres([str(self.bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l",
                          str(self.root / "log"), "-w", "-t", "60", "start"]),
            check=True, capture_output=True,
        )
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        subprocess.run(
            _as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def server_url() -> tuple[str, Cluster | None]:
    """A URL to a maintenance database, and the cluster to stop afterwards (if we started one)."""
    url = os.environ.get("PULSO_TEST_POSTGRES_URL")
    if url:
        return url, None
    cluster = Cluster().start()
    return cluster.url(), cluster


def wait_ready(url: str, timeout: float = 30.0) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    while True:
        try:
            psycopg.connect(conninfo).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
