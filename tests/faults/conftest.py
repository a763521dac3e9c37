"""Fault tests against real services started privately for each test: a ``redis-server`` (the
broker and the cache) that the test stops and starts, an SMTP server that counts what it
accepted, Celery workers shaped like production's (prefork, two processes) that the test
SIGKILLs, gunicorn, and a TCP proxy in front of PostgreSQL that the test cuts like a restart.
The system PostgreSQL and Redis are never touched."""

import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from email import message_from_bytes
from pathlib import Path

import pytest

from tests.conftest import ROOT, _test_database_url, use_broker, wait_for


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


# --- Redis --------------------------------------------------------------------------------


class RedisServer:
    """A private redis-server with an append-only file like production's (``--appendonly
    yes``), so a stop and start keeps the queued tasks, as the compose service does."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}"
        self.process = None
        folder.mkdir(parents=True, exist_ok=True)

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.folder), "--appendonly", "yes", "--appendfsync", "always",
             "--save", "", "--logfile", str(self.folder / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(lambda: port_open(self.port), timeout=10, message="redis-server to start")

    def stop(self):
        """A clean shutdown (SIGTERM), as `docker compose stop redis` does."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        assert not port_open(self.port)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


# --- SMTP ---------------------------------------------------------------------------------


class SMTPSink:
    """A small SMTP server. A message counts as delivered once its DATA has arrived (a real
    server has it then, even if the client dies before reading the "250"). ``hold`` makes
    the server wait, at a chosen stage ("MAIL" or "DATA"), until ``release()``."""

    def __init__(self):
        self.messages: list = []
        self.lock = threading.Lock()
        self.hold_at = None
        self.held = threading.Event()
        self.go = threading.Event()
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line):
                self.wfile.write(line.encode() + b"\r\n")
                self.wfile.flush()

            def handle(self):
                self.reply("220 sink ESMTP")
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    verb = line.decode("latin-1").strip().split(" ")[0].upper()
                    if verb == "MAIL":
                        sink._maybe_hold("MAIL")
                    if verb in ("EHLO", "HELO"):
                        self.reply("250 sink")
                    elif verb == "DATA":
                        self.reply("354 go ahead")
                        data = []
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                        with sink.lock:
                            sink.messages.append(message_from_bytes(b"".join(data)))
                        sink._maybe_hold("DATA")
                        self.reply("250 queued")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("250 ok")

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"smtp://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _maybe_hold(self, stage):
        if self.hold_at == stage:
            self.hold_at = None  # only the first message is held
            self.held.set()
            self.go.wait(60)

    def hold(self, stage):
        self.held.clear()
        self.go.clear()
        self.hold_at = stage

    def release(self):
        self.go.set()

    def to(self, address) -> int:
        """How many messages were delivered to ``address``."""
        with self.lock:
            return sum(1 for m in self.messages if address in (m["To"] or ""))

    def close(self):
        self.go.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def smtp_sink():
    sink = SMTPSink()
    yield sink
    sink.close()


# --- Celery workers -----------------------------------------------------------------------


class FaultWorker:
    """``celery worker`` as docker-compose.yml runs it (prefork, two processes, acks late)
    on the private Redis, the test database and the SMTP sink. ``kill()`` SIGKILLs the whole
    process group, as `docker kill` ends a container."""

    def __init__(self, redis: RedisServer, smtp: SMTPSink, folder: Path, name: str, extra_env):
        self.hostname = f"{name}-{os.getpid()}@faults"
        self.log_path = folder / f"{name}.log"
        env = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "CELERY_BROKER_URL": f"{redis.url}/0",
            "CACHE_URL": f"rediscache://127.0.0.1:{redis.port}/1",
            "EMAIL_URL": smtp.url,
            "MEDIA_ROOT": str(folder / "media"),
            "CONN_MAX_AGE": "0",
            **(extra_env or {}),
        }
        cmd = [
            sys.executable, "-m", "celery", "-A", "eregion", "worker", "--pool=prefork",
            "--concurrency=2", "--queues=celery,pdf", "--loglevel=INFO",
            f"--hostname={self.hostname}", "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, timeout=60):
        wait_for(
            lambda: "ready." in self.log_path.read_text() or self.process.poll() is not None,
            timeout=timeout,
            message=f"worker {self.hostname} to start",
        )
        if self.process.poll() is not None:
            pytest.fail("the Celery worker did not start:\n" + self.log_path.read_text()[-3000:])

    def kill(self):
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(10)

    def stop(self):
        """At the end of a test: nothing it needs is left, and a warm shutdown costs seconds."""
        self.kill()
        self._log.close()


@pytest.fixture
def app_on_redis(redis_server, settings, transactional_db):
    """The test process (the web side) on the private Redis: tasks to its broker, the cache in
    it, as in docker-compose.yml; the publish gives up as quickly as production's does."""
    from eregion.celery import app

    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    use_broker(f"{redis_server.url}/0")
    app.conf.task_always_eager = False
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"{redis_server.url}/1",
        }
    }
    yield redis_server
    use_broker(saved["broker_url"])
    app.conf.task_always_eager = saved["task_always_eager"]


@pytest.fixture
def workers(app_on_redis, smtp_sink, tmp_path, settings):
    """Start production-shaped workers: ``workers.start(**env)``; all are stopped at the end."""
    started = []
    settings.MEDIA_ROOT = tmp_path / "media"

    class Workers:
        def start(self, **extra_env) -> FaultWorker:
            worker = FaultWorker(
                app_on_redis, smtp_sink, tmp_path, f"worker{len(started)}", extra_env
            )
            started.append(worker)
            worker.wait_ready()
            return worker

    yield Workers()
    for worker in started:
        worker.stop()


# --- PostgreSQL, as the application reaches it ---------------------------------------------


class CuttableProxy:
    """A TCP proxy in front of the test's PostgreSQL. ``restart()`` does to the application
    what a PostgreSQL restart does: every open connection is closed by the server side, and
    new ones are refused for a moment, then accepted again."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.pairs: list = []
        self.lock = threading.Lock()
        self.listener = None
        self.listen()

    def listen(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(64)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.pairs.append((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _close_listener(self):
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        except OSError:
            pass
        self.listener.close()

    def restart(self, down_for: float = 1.0):
        self._close_listener()
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for client, upstream in pairs:
            for s in (client, upstream):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
        time.sleep(down_for)
        self.listen()
        return len(pairs)

    def close(self):
        self._close_listener()
        with self.lock:
            for pair in self.pairs:
                for s in pair:
                    s.close()


@pytest.fixture
def postgres_proxy(transactional_db):
    from django.conf import settings as django_settings

    db = django_settings.DATABASES["default"]
    proxy = CuttableProxy(db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432))
    proxy.database_url = _test_database_url().replace(
        f"@{db.get('HOST')}:{db.get('PORT')}/", f"@127.0.0.1:{proxy.port}/"
    )
    assert str(proxy.port) in proxy.database_url
    yield proxy
    proxy.close()


class Gunicorn:
    """The web service as docker-compose.yml runs it (gunicorn, sync workers, connections kept
    for CONN_MAX_AGE with health checks), on the test database through ``database_url``."""

    def __init__(self, database_url: str, redis: RedisServer, folder: Path, **extra_env):
        self.port = free_port()
        self.log_path = folder / "gunicorn.log"
        self._log = open(self.log_path, "w")
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": f"{redis.url}/0",
            "CACHE_URL": f"rediscache://127.0.0.1:{redis.port}/1",
            "EMAIL_URL": "consolemail://",
            "MEDIA_ROOT": str(folder / "media"),
            "CONN_MAX_AGE": "60",
            **extra_env,
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "eregion.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--timeout", "30"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        wait_for(lambda: port_open(self.port), timeout=30, message="gunicorn to listen")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()
