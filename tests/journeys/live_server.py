"""Recruit served by gunicorn on a free loopback port, on a database of its own, set up with the CLI.

The rest of the suite works inside rolled-back transactions on DATABASE_URL, so the served app never
shares it: on SQLite it gets a temporary file, on PostgreSQL a separate database next to the suite's
(`<name>_journeys`), created here and dropped at the end.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
ADMIN_NAME = "Alex Admin"
ADMIN_EMAIL = "alex.admin@recruit.example"
ADMIN_PASSWORD = "Heron-Lantern-Quarry-41"
# Every person in the journeys signs in from 127.0.0.1, so one client's allowance must cover them all.
# The limiter stays on; this is the setting the app already reads.
SIGN_IN_RATE_LIMIT = "120 per minute; 1000 per hour"


class JourneyDatabase:
    """A database for the served app, made from the suite's DATABASE_URL (or SQLite when it is unset)."""

    def __init__(self, suite_url: str | None, scratch: Path):
        self._admin_url = None
        if suite_url and make_url(suite_url).get_backend_name() == "postgresql":
            url = make_url(suite_url)
            self.name = f"{url.database}_journeys"
            self.url = url.set(database=self.name).render_as_string(hide_password=False)
            self._admin_url = url.set(drivername="postgresql", database="postgres").render_as_string(
                hide_password=False
            )
        else:
            self.name = str(scratch / "journeys.db")
            self.url = "sqlite:///" + self.name

    def _run(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self._admin_url, autocommit=True) as connection:
            connection.execute(statement)

    def create(self) -> None:
        if self._admin_url:
            # A run that was killed may have left one behind.
            self._run(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self._run(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if self._admin_url:
            self._run(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class ServerClock:
    """How far the served app's clock runs ahead of real time (see gunicorn_clock.py)."""

    def __init__(self, path: Path):
        self.path = path
        self.offset = 0.0
        self._write()

    def _write(self) -> None:
        partial = self.path.with_suffix(".partial")
        partial.write_text(str(self.offset), encoding="utf-8")
        partial.replace(self.path)

    def advance(self, seconds: float) -> None:
        self.offset += seconds
        self._write()

    def now(self) -> float:
        """The served app's time, as a Unix timestamp (for two-factor codes, say)."""
        return time.time() + self.offset


@dataclass
class LiveServer:
    url: str
    admin_email: str
    admin_password: str
    log: Path
    clock: ServerClock
    database_url: str

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def emailed_link(self, to: str, path: str) -> str:
        """The path of the link to `path` in the newest email to `to`, read from the development outbox as the
        person would read their inbox. Links name BASE_URL (127.0.0.1:5000), not this server's own port."""
        from urllib.parse import urlsplit

        from sqlalchemy import create_engine, text

        engine = create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                body = connection.execute(
                    text("SELECT body FROM development_emails WHERE recipient = :to ORDER BY id DESC LIMIT 1"),
                    {"to": to},
                ).scalar_one()
        finally:
            engine.dispose()
        [link] = [word for word in body.split() if path in word]
        return urlsplit(link).path


def environment(database_url: str, clock: ServerClock) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "MAIL_SERVER", "NOTIFY_API_KEY")}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_hex(32),
        RECRUIT_ENV="development",
        SIGN_IN_RATE_LIMIT=SIGN_IN_RATE_LIMIT,
        FLASK_APP="recruit",
        PYTHONUNBUFFERED="1",
        RECRUIT_JOURNEY_CLOCK=str(clock.path),
    )
    return env


def run_flask(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "recruit", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args[:2])} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def migrate(env: dict[str, str]) -> None:
    run_flask(env, "db", "upgrade")


def seed_and_create_admin(env: dict[str, str]) -> None:
    """Load the seed data and create the first admin, as an operator would."""
    run_flask(env, "seed")
    run_flask(env, "users", "create-admin", ADMIN_EMAIL, "--name", ADMIN_NAME, "--password", ADMIN_PASSWORD)


def _die_with_parent() -> None:
    """In the child before exec: on Linux, end gunicorn if the test run itself is killed."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Gunicorn:
    """gunicorn bound to port 0: the port it was given is read from its own log, so no port can be raced for."""

    LISTENING = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)")

    def __init__(self, env: dict[str, str], log: Path):
        self.env, self.log_path = env, log
        self.process: subprocess.Popen | None = None
        self.url: str | None = None
        self._listening = threading.Event()

    def launch(self) -> None:
        """Start gunicorn; `ready` waits for it to answer."""
        # One process with threads: the in-memory rate-limit counters are shared by every request,
        # as they would be through Redis across processes.
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(Path(__file__).with_name("gunicorn_clock.py")),
            "--bind",
            "127.0.0.1:0",
            "--workers",
            "1",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--timeout",
            "120",
            "--access-logfile",
            "-",
            "--error-logfile",
            "-",
            "wsgi:app",
        ]
        self.log = self.log_path.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            preexec_fn=_die_with_parent,
        )

        def pump():
            for line in self.process.stdout:
                self.log.write(line)
                self.log.flush()
                match = self.LISTENING.search(line)
                if match and not self._listening.is_set():
                    self.url = match.group(1)
                    self._listening.set()

        self._pump = threading.Thread(target=pump, daemon=True)
        self._pump.start()

    def ready(self, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while not self._listening.wait(0.5):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not start:\n{self.log_path.read_text()}")
        self._wait_healthy(timeout)
        return self.url

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"the app did not become healthy:\n{self.log_path.read_text()}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "_pump", None):
            self._pump.join(timeout=5)
        if getattr(self, "log", None):
            self.log.close()
