# ruff: noqa: E402  (the path is set before the imports)
"""The portal over HTTP as production serves it, against a bare one-view Django app served the
same way in the same run.

Starts, on loopback, the portal (gunicorn, 2 sync workers, production settings: ``DEBUG=0``,
static files collected first, PostgreSQL, Redis cache and broker) and ``bench/bare`` (one view,
no middleware, no database) the same way; warms each page, then drives it with wrk at 16 and
64 connections and prints, per page, req/s, p50/p95/p99, errors and the ratio to the bare
app's req/s at the same concurrency, with the CPU each request cost in the gunicorn workers
and in PostgreSQL. Search runs twice: one query repeated (the cache warm) and a stream of
distinct real queries drawn from the data — Cyrillic, Latin, prefixes and typos — that no
request repeats (the cache cold), at each level and once more with one connection (the wait of
a visitor who queues behind nobody). Whole-directory downloads and the map's points run with
one connection per worker. Then 60 s at 64 connections over every page, for errors and
timeouts, and the workers' peak memory (downloads included). Last, what each middleware
costs (``bench/middleware.py``).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eregion_bench \\
        .venv/bin/python bench/http.py [--duration 10] [--out bench/results-http.md]

The database should hold the national data set (``bench/generate.py``). Needs ``wrk``
(``bin/bench`` installs it). ``--project DIR`` serves another checkout's code (the same
database), e.g. a worktree of an older commit for a before/after comparison.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: this file would hide the standard library's http

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime

from eregion.text import transliterate  # plain Python, no settings needed

HEADERS = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}  # as the proxy sends them

# wrk prints one JSON line at the end: what the summary and the latency histogram say.
DONE_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\nRESULT {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, ' ..
    '"max": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""
# Each thread walks its own part of a list of paths; none is asked twice in a run.
PATHS_LUA = r"""
local counter = 0
setup = function(thread)
  thread:set("id", counter)
  counter = counter + 1
end
init = function(args)
  step = tonumber(args[1]) or 1
  i = id
end
request = function()
  local path = paths[(i % #paths) + 1]
  i = i + step
  return wrk.format("GET", path, headers)
end
"""


def lua_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- processes ------------------------------------------------------------------------------


class Server:
    """A gunicorn serving ``app`` from ``chdir`` on ``port``, with its workers' pids."""

    def __init__(self, name, app, chdir, port, env, workers=2):
        self.name, self.port = name, port
        with socket.socket() as probe:  # a server left from an interrupted run answers there
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                sys.exit(f"port {port} is taken (a gunicorn left from an earlier run?); use --port")
        self.log = open(Path(tempfile.gettempdir()) / f"bench-http-{name}-{port}.log", "w")
        gunicorn = str(ROOT / ".venv" / "bin" / "gunicorn")
        self.process = subprocess.Popen(
            [gunicorn, app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
             "--timeout", "120", "--chdir", str(chdir), "--backlog", "2048",
             "--control-socket", str(Path(tempfile.gettempdir()) / f"bench-http-{port}.ctl")],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
            cwd=chdir,  # started elsewhere, gunicorn imported the project from where it started
        )  # fmt: skip
        self.url = f"http://127.0.0.1:{port}"

    def wait(self, path="/", timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"{self.name} exited; see {self.log.name}")
            try:
                get(self.url + path, timeout=5)
                return
            except OSError:
                time.sleep(0.3)
        sys.exit(f"{self.name} did not answer in {timeout} s; see {self.log.name}")

    @property
    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in children.read_text().split()]

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def get(url, timeout=120) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, headers=HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def cpu_seconds(pids) -> float:
    """User + system CPU of the processes so far (those that ended count no more)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pids) -> list[float]:
    out = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        out.append(int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)
    return out


def postgres_backends(conn, database) -> list[int]:
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        )
        return [row[0] for row in cursor.fetchall()]


def wait_idle(pids, limit=180):
    """Until the workers stop burning CPU (a request wrk gave up on still runs to its end)."""
    deadline = time.time() + limit
    last = cpu_seconds(pids)
    while time.time() < deadline:
        time.sleep(0.5)
        now = cpu_seconds(pids)
        if now - last < 0.05:
            return
        last = now


# --- data -----------------------------------------------------------------------------------


def typo(word: str, rng) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1 :]  # a letter left out
    if kind == 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # two swapped
    return word[:i] + word[i] + word[i:]  # one doubled


def distinct_queries(names: list[str], n: int, seed: int) -> list[str]:
    """Queries people type, from real names: a word or two in Cyrillic, the same in Latin,
    prefixes, and words with a typo — each once."""
    rng = random.Random(seed)
    out, seen = [], set()
    words_of = [[w for w in re.findall(r"[\w-]+", name) if len(w) >= 4] for name in names]
    words_of = [w for w in words_of if w]
    attempts = 0
    while len(out) < n and attempts < n * 20:
        attempts += 1
        words = rng.choice(words_of)
        word = rng.choice(words)
        kind = rng.randrange(5)
        if kind == 0:
            q = word
        elif kind == 1:
            q = " ".join(rng.sample(words, k=min(2, len(words))))
        elif kind == 2:
            q = transliterate(word).lower()
        elif kind == 3:
            q = word[: rng.randrange(4, len(word) + 1)].lower()
        else:
            q = typo(word, rng) if len(word) >= 6 else transliterate(word)
            if rng.random() < 0.5:
                q = transliterate(q)
        key = q.lower()
        if key not in seen:
            seen.add(key)
            out.append(q)
    return out


def pick_data(conn, n_queries: int, seed: int) -> dict:
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT s.slug FROM directory_administrativestructure s WHERE s.is_published"
            " AND s.source_key LIKE 'pdoi:%%' AND EXISTS (SELECT 1 FROM directory_workinghours h"
            " WHERE h.structure_id = s.id) ORDER BY s.name LIMIT 1"
        )
        slug = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM directory_administrativestructure")
        structures = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM ngofamily_organisation")
        organisations = cursor.fetchone()[0]
        cursor.execute(
            "SELECT name FROM directory_administrativestructure WHERE is_published"
            " ORDER BY md5(id::text) LIMIT 20000"
        )
        structure_names = [r[0] for r in cursor.fetchall()]
        cursor.execute("SELECT name FROM directory_settlement ORDER BY md5(id::text) LIMIT 3000")
        structure_names += [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT name FROM ngofamily_organisation WHERE status = 'published'"
            " ORDER BY md5(id::text) LIMIT 20000"
        )
        organisation_names = [r[0] for r in cursor.fetchall()]
    return {
        "slug": slug,
        "structures": structures,
        "organisations": organisations,
        "directory_queries": distinct_queries(structure_names, n_queries, seed),
        "catalogue_queries": distinct_queries(organisation_names, n_queries, seed + 1),
    }


# --- wrk ------------------------------------------------------------------------------------


def wrk(url, connections, duration, lua, timeout=30, args=()) -> dict:
    fd, name = tempfile.mkstemp(suffix=".lua")
    os.close(fd)
    script = Path(name)
    script.write_text(lua + DONE_LUA)
    threads = min(2, connections)
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s",
               "--timeout", f"{timeout}s", "-s", str(script)]  # fmt: skip
    for name, value in HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    command += [url, "--", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 300)
    script.unlink()
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        sys.exit(f"wrk said:\n{result.stdout}\n{result.stderr}")
    data = json.loads(line[len("RESULT ") :])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["errors"] = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return data


def paths_lua(paths: list[str], threads: int) -> tuple[str, list[str]]:
    headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in HEADERS.items())
    table = ",\n".join(lua_string(p) for p in paths)
    return f"headers = {{{headers}}}\npaths = {{\n{table}\n}}\n" + PATHS_LUA, [str(threads)]


def measure(server, pg, pg_pids_of, label, url_or_paths, connections, duration, warm=True):
    """One wrk run against ``server``: a fixed path, or a list of paths walked once."""
    if isinstance(url_or_paths, str):
        lua, args, url = "", (), server.url + url_or_paths
        if warm:
            for _ in range(3):
                get(url)
    else:
        lua, args = paths_lua(url_or_paths, min(2, connections))
        url = server.url + "/"
    workers = server.workers
    backends = pg_pids_of()
    cpu_py, cpu_pg = cpu_seconds(workers), cpu_seconds(backends)
    result = wrk(url, connections, duration, lua, args=args)
    wait_idle(workers + pg_pids_of())  # the database's share of the backlog too
    result["cpu_py_ms"] = (cpu_seconds(workers) - cpu_py) * 1000 / max(result["requests"], 1)
    result["cpu_pg_ms"] = (cpu_seconds(backends) - cpu_pg) * 1000 / max(result["requests"], 1)
    result["label"] = label
    result["connections"] = connections
    return result


def download(server, pg, pg_pids_of, label, path, repeat=2) -> dict:
    """A big answer fetched whole, one at a time: seconds to the last byte, size, CPU, and
    whether asking again with its ETag gets a 304."""
    workers, backends = server.workers, pg_pids_of()
    cpu_py, cpu_pg = cpu_seconds(workers), cpu_seconds(backends)
    times, size, headers = [], 0, {}
    for _ in range(repeat):
        started = time.perf_counter()
        status, body, headers = get(server.url + path, timeout=900)
        times.append(time.perf_counter() - started)
        size = len(body)
    conditional = "no ETag"
    if headers.get("ETag"):
        request = urllib.request.Request(
            server.url + path, headers={**HEADERS, "If-None-Match": headers["ETag"]}
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=900) as response:
                conditional = f"{response.status} (no 304)"
        except urllib.error.HTTPError as e:
            conditional = f"{e.code} in {(time.perf_counter() - started) * 1000:.0f} ms"
    return {
        "label": label,
        "status": status,
        "bytes": size,
        "median": sorted(times)[len(times) // 2],
        "max": max(times),
        "cpu_py": (cpu_seconds(workers) - cpu_py) / repeat,
        "cpu_pg": (cpu_seconds(pg_pids_of()) - cpu_pg) / repeat,
        "conditional": conditional,
        "streamed": "chunked" in headers.get("Transfer-Encoding", "")
        or "Content-Length" not in headers,
    }


def quote(path: str, query: str) -> str:
    return f"{path}?q={urllib.parse.quote(query)}"


# --- the run --------------------------------------------------------------------------------


def main():
    # killed (timeout, ^C), the servers still stop: the finally blocks run
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("bench/http.py: terminated"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per page and level")
    parser.add_argument("--soak", type=int, default=60, help="seconds at 64 connections")
    parser.add_argument("--connections", default="16,64")
    parser.add_argument("--port", type=int, default=18200)
    parser.add_argument("--project", type=Path, default=ROOT, help="the code to serve")
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
    )
    parser.add_argument("--queries", type=int, default=9000, help="distinct queries per search")
    parser.add_argument("--out", type=Path, help="also write the report (Markdown) here")
    parser.add_argument("--label", default="", help="a name for this run in the report")
    parser.add_argument("--download-repeat", type=int, default=2, help="times each download")
    parser.add_argument("--skip-middleware", action="store_true")
    args = parser.parse_args()

    import psycopg

    database_url = os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/eregion_bench"
    )
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk (bin/bench does)")
    project = args.project.resolve()
    database = urllib.parse.urlparse(database_url).path.lstrip("/")
    pg = psycopg.connect(database_url, autocommit=True)
    data = pick_data(pg, args.queries, seed=19)
    levels = [int(c) for c in args.connections.split(",")]
    redis = args.redis.rstrip("/")
    redis_base, redis_db = redis.rsplit("/", 1)
    static_root = Path(tempfile.mkdtemp(prefix="bench-static-"))
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "CACHE_URL")},
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "CACHE_URL": f"rediscache://{redis_base.split('://', 1)[1]}/{redis_db}",
        "CELERY_BROKER_URL": f"{redis_base}/{int(redis_db) - 1}",
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(project),
        "BENCH_PROJECT": str(project),
    }
    python = str(ROOT / ".venv" / "bin" / "python")
    started = time.time()
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=project, env=env, check=True
    )
    subprocess.run(
        [python, "-c", "import redis,sys; redis.Redis.from_url(sys.argv[1]).flushdb()", redis],
        check=True,
    )  # the bench's own cache database starts empty
    portal = Server("portal", "eregion.wsgi:application", project, args.port, env)
    bare_env = {**env, "PYTHONPATH": str(ROOT / "bench" / "bare"), "DJANGO_SETTINGS_MODULE": "bare"}
    bare = Server("bare", "bare:application", ROOT / "bench" / "bare", args.port + 1, bare_env)
    results, notes = [], []
    try:
        portal.wait("/healthz")
        bare.wait("/")
        pids = lambda: postgres_backends(pg, database)  # noqa: E731
        slug = data["slug"]
        pages = [
            ("/healthz", "/healthz"),
            ("/", "/"),
            ("/directory/", "/directory/"),
            ("/directory/?q=Plovdv", "/directory/?q=Plovdv"),
            ("structure page", f"/directory/{slug}/"),
            ("/ngos/?q=читалище", quote("/ngos/", "читалище")),
            ("/api/v1/structures/?q=пловдив", quote("/api/v1/structures/", "пловдив")),
            ("/directory/map/ (the page)", "/directory/map/"),
        ]
        heavy = [
            ("/directory/map/points.json", "/directory/map/points.json"),
            ("/directory/export.csv", "/directory/export.csv"),
            ("/directory/export.json", "/directory/export.json"),
            ("/ngos/export.csv", "/ngos/export.csv"),
        ]
        for path in [p for _l, p in pages]:
            status, _body, _h = get(portal.url + path)
            if status != 200:
                notes.append(f"{path} answered {status}")
        dq, cq = data["directory_queries"], data["catalogue_queries"]
        offset = {"d": 0, "c": 0}

        def stream(kind, path):
            queries = dq if kind == "d" else cq
            start = offset[kind]
            offset[kind] += len(queries) // (len(levels) + 2)
            part = queries[start : offset[kind]]
            return [quote(path, q) for q in part]

        bare_rps = {}
        for c in levels:
            r = measure(bare, pg, pids, "bare one-view Django app", "/", c, args.duration)
            bare_rps[c] = r["rps"]
            results.append(r)
            for label, path in pages:
                results.append(measure(portal, pg, pids, label, path, c, args.duration))
            results.append(
                measure(portal, pg, pids, "/directory/?q= distinct queries (cold)",
                        stream("d", "/directory/"), c, args.duration)
            )  # fmt: skip
            results.append(
                measure(portal, pg, pids, "/ngos/?q= distinct queries (cold)",
                        stream("c", "/ngos/"), c, args.duration)
            )  # fmt: skip
        # One visitor at a time: how long a cold search takes when it queues behind no other
        for kind, path in (("d", "/directory/"), ("c", "/ngos/")):
            label = f"{path}?q= distinct queries (cold), one at a time"
            results.append(measure(portal, pg, pids, label, stream(kind, path), 1, args.duration))
        downloads = [
            download(portal, pg, pids, label, path, args.download_repeat) for label, path in heavy
        ]
        # 64 connections over everything at once, for errors and timeouts
        mix = [p for _l, p in pages] + stream("d", "/directory/")[:500]
        mix += stream("c", "/ngos/")[:500] + [p for _l, p in heavy]
        random.Random(3).shuffle(mix)
        soak = measure(portal, pg, pids, "mixed, every page", mix, 64, args.soak)
        rss = peak_rss_mb(portal.workers)
        portal_log = Path(portal.log.name).read_text()
        restarts = portal_log.count("Booting worker") - 2  # past the first two
    finally:
        portal.stop()
        bare.stop()
        shutil.rmtree(static_root, ignore_errors=True)

    middleware = ""
    if not args.skip_middleware:
        mw = subprocess.run(
            [python, str(ROOT / "bench" / "middleware.py")], cwd=project, env=env,
            capture_output=True, text=True,
        )  # fmt: skip
        middleware = mw.stdout.strip() or mw.stderr[-2000:]

    load = Path("/proc/loadavg").read_text().split()[:3]
    report = render(
        args, data, results, downloads, bare_rps, soak, rss, restarts, notes, middleware, load,
        time.time() - started, project,
    )  # fmt: skip
    print(report)
    if args.out:
        args.out.write_text(report + "\n")


def cpu(value: float) -> str:
    """A CPU figure; "–" when a process it was counted on ended during the run (a restarted
    worker, a closed database connection), so that its difference means nothing."""
    return f"{value:.2f}" if value >= 0 else "–"


def render(args, data, results, downloads, bare_rps, soak, rss, restarts, notes, middleware, load,
           elapsed, project) -> str:  # fmt: skip
    commit = subprocess.run(
        ["git", "-C", str(project), "log", "-1", "--format=%h %s"], capture_output=True, text=True
    ).stdout.strip()
    lines = [
        f"### {args.label or 'Run'} — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- code: `{commit}` ({project})",
        f"- data: {data['structures']:,} structures, {data['organisations']:,} organisations; "
        f"{len(data['directory_queries']):,} + {len(data['catalogue_queries']):,} distinct queries",
        f"- machine: {os.cpu_count()} CPUs, load average at the end {' '.join(load)}; "
        f"{args.duration} s per page and level, run took {elapsed / 60:.1f} min",
        "",
        "| page | conns | req/s | × bare | p50 ms | p95 ms | p99 ms | errors "
        "| CPU ms/req (py + pg) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        bare = bare_rps.get(r["connections"])
        ratio = f"{r['rps'] / bare:.3f}" if bare and "bare" not in r["label"] else ""
        lines.append(
            f"| {r['label']} | {r['connections']} | {r['rps']:,.1f} | {ratio} "
            f"| {r['p50'] / 1000:.1f} | {r['p95'] / 1000:.1f} | {r['p99'] / 1000:.1f} "
            f"| {r['errors']} | {cpu(r['cpu_py_ms'])} + {cpu(r['cpu_pg_ms'])} |"
        )
    lines += [
        "",
        "| download (whole, one at a time) | status | MB | s to last byte (median, max) "
        "| CPU s (py + pg) | streamed | If-None-Match |",
        "| --- | ---: | ---: | --- | --- | --- | --- |",
    ]
    for d in downloads:
        lines.append(
            f"| {d['label']} | {d['status']} | {d['bytes'] / 1e6:.1f} "
            f"| {d['median']:.2f}, {d['max']:.2f} | {cpu(d['cpu_py'])} + {cpu(d['cpu_pg'])} "
            f"| {'yes' if d['streamed'] else 'no'} | {d['conditional']} |"
        )
    lines += [
        "",
        f"**64 connections, {args.soak} s, every page mixed** (searches distinct, downloads "
        f"included): {soak['requests']:,} requests, {soak['rps']:,.1f} req/s, p95 "
        f"{soak['p95'] / 1000:.0f} ms, p99 {soak['p99'] / 1000:.0f} ms, max "
        f"{soak['max'] / 1000:.0f} ms; errors: {soak['errors']} (connect {soak['connect']}, "
        f"read {soak['read']}, write {soak['write']}, HTTP ≥ 400 {soak['status']}, "
        f"timeouts {soak['timeout']}); worker restarts: {max(restarts, 0)}.",
        "",
        "**gunicorn workers' peak memory (VmHWM), downloads included:** "
        + ", ".join(f"{m:.0f} MB" for m in rss),
    ]
    if notes:
        lines += ["", "Notes: " + "; ".join(notes)]
    if middleware:
        lines += ["", "**Middleware** (`bench/middleware.py`, same settings):", "", middleware]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
