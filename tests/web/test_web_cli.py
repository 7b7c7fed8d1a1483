"""`pulso users ...` and `pulso serve` as a user types them.

The `users` commands run in this process (Typer's CliRunner: the same command line, prompts
answered on its standard input; a subprocess would cost a second of imports each); `serve` and
the `status` that finds the workspace held are real processes, as they must be. Running
`python -m pulso` itself is tests/cli/test_cli.py's.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

import httpx
from typer.testing import CliRunner

PULSO = [sys.executable, "-m", "pulso"]


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def run(*args: str, stdin: str | None = None) -> Ran:
    """A pulso command in this process, through the entry point `python -m pulso` calls
    (pulso.cli.main, which turns an error into its line on standard error): its exit status,
    standard output and error."""
    from pulso.cli import main

    argv, code = sys.argv, 0
    with CliRunner().isolation(input=stdin, env={"COLUMNS": "200"}) as (out, err, _):
        sys.argv = ["pulso", *args]
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            sys.argv = argv
        return Ran(code, out.getvalue().decode(), err.getvalue().decode())


def run_apart(*args: str) -> subprocess.CompletedProcess:
    """A pulso command in a process of its own."""
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([*PULSO, *args], capture_output=True, text=True, env=env, timeout=120)


def test_users_add_list_set_password_and_serve(tmp_path):
    db = f"duckdb:///{tmp_path / 'w.duckdb'}"
    assert run("init", "--db", db).returncode == 0
    empty = run("users", "demo-passwords", "--db", db)
    assert empty.returncode == 1 and "no users" in empty.stderr
    added = run("users", "add", "ana@empresa.es", "--name", "Ana Gil", "--role", "admin", "--password", "clave-segura-1", "--db", db)
    assert added.returncode == 0, added.stderr
    short = run("users", "add", "leo@empresa.es", "--name", "Leo", "--password", "corta", "--db", db)
    assert short.returncode == 1 and "at least 10" in short.stderr
    bad_role = run("users", "add", "leo@empresa.es", "--name", "Leo", "--role", "boss", "--password", "x" * 10, "--db", db)
    assert bad_role.returncode == 1 and "unknown role" in bad_role.stderr
    prompted = run("users", "add", "eva@empresa.es", "--name", "Eva", "--role", "viewer", "--db", db,
                   stdin="otra-clave-22\notra-clave-22\n")
    assert prompted.returncode == 0, prompted.stderr
    listed = run("users", "list", "--db", db)
    assert "ana@empresa.es" in listed.stdout and "eva@empresa.es" in listed.stdout
    assert run("users", "set-password", "ana@empresa.es", "--password", "nueva-clave-9", "--db", db).returncode == 0

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([*PULSO, "serve", "--db", db, "--port", str(port)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                page = httpx.get(base + "/signin", timeout=2)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and server.poll() is None, server.stderr.read() if server.poll() is not None else "timeout"
                time.sleep(0.2)
        with httpx.Client(base_url=base) as client:
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signin").text).group(1)
            signed = client.post("/signin", data={"email": "ana@empresa.es", "password": "nueva-clave-9", "csrf_token": token})
            assert signed.status_code == 303
            assert client.get("/index.json").json()["scope"]["kind"] == "company"
        busy = run_apart("status", "--db", db)  # the server holds the DuckDB file
        assert busy.returncode == 1 and "in use" in busy.stderr
    finally:
        server.terminate()
        server.wait(20)

