"""``make bench``: measure the search page over HTTP against a production-style server.

Steps: prepare (or reuse) the synthetic catalog of N resources in var/bench/<N>-seed<seed>/,
migrate it, build the search index (timed the first time: the "full reindex" figure), start
gunicorn with gunicorn.conf.py on a free loopback port with DEBUG off, warm it up, then send the
fixed query mix (``queries.py``) from one keep-alive client to the full search page, to its htmx
partial (``HX-Request: true``) and to the home page; then from several clients at once for
requests per second. gunicorn is stopped at the end, whatever happens. The figures go to
bench/results/<N>-<timestamp>.json and a short table.

    python -m bench.run --n 100000 [--seed 42] [--queries 200] [--repeat 2] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import html
import importlib
import json
import os
import platform
import re
import resource
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, is_dataclass
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

from bench import generate
from bench import raw as raw_module
from bench.queries import DEFAULT_SEED as DEFAULT_QUERY_SEED
from bench.queries import KINDS, MAX_FILTERS, BenchQuery, query_mix
from bench.stats import summarize

REPO_ROOT = generate.REPO_ROOT
RESULTS_DIR = Path(__file__).resolve().parent / "results"
HOST = "127.0.0.1"
REINDEX_RECORD = "reindex.json"
PUBMED_RECORDS = 20_000
WARMUP_SEED_OFFSET = 1_000
CONCURRENT_SEED_OFFSET = 2_000
MISSPELLED_SEED_OFFSET = 3_000
# The no-hits scenario's own warm-up mix (misspelled like it, never measured).
MISSPELLED_WARMUP_SEED_OFFSET = 3_001
# Requests to the smallest page (robots.txt), for the server's cost of any page. /proc counts
# CPU in ticks of 10 ms, per process: 1,000 requests keep that rounding near 1 %.
FLOOR_REQUESTS = 1_000
# Unmeasured requests a scenario's connection sends first, so that the worker it landed on has
# compiled the page's templates and filled its per-process caches (the home page's fragments):
# a worker that the warm-up never reached pays that once, a few hundred ms, in the figure.
CONNECTION_WARMUP = 10
# Large enough that the concurrent run rarely comes back to a query it already sent.
CONCURRENT_MIX_SIZE = 2_000

# Issue 12's targets on a quiet two-core machine (they tighten issue 2's 15 / 50 ms at 100k,
# 250 ms at 1M and 60 s of reindexing), by catalog size: (scenario, statistic, limit in ms).
LATENCY_TARGETS: dict[int, list[tuple[str, str, float]]] = {
    100_000: [("search", "p50", 10.0), ("search", "p95", 30.0)],
    1_000_000: [("search", "p95", 150.0)],
}
REINDEX_TARGET_CPU_SECONDS = {100_000: 20.0}
# The search page's server CPU at most 1.3 times the raw engine's for the same mix.
RAW_RATIO_TARGET = 1.3
# Server CPU of a page against a search page's: the home page's, a page with no hits'.
CPU_RATIO_TARGETS = {"home": 1.0, "search_no_hits": 1.2}
# Facet counting of one search call with raw.LARGE_HITS hits or more, ms.
FACET_LARGE_HITS_TARGET_MS = {100_000: 2.0}
PUBMED_TARGET_PER_SECOND = 2_000.0

# Wide enough for the table when the output is not a terminal (make, CI logs).
console = Console(width=None if sys.stdout.isatty() else 110)


@dataclass
class Sample:
    scenario: str
    path: str
    kind: str
    filters: int
    status: int
    bytes: int
    ms: float


def bench_env(data_dir: Path) -> dict[str, str]:
    """The environment of every process that touches the bench data: production-like."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SEARCH_INDEX_DIR", "DEBUG", "WEB_CONCURRENCY"}
    }
    env.update(
        DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="socialmission.settings",
        DEBUG="false",
        SECRET_KEY=env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS=f"{HOST},localhost",
        LOG_LEVEL="WARNING",
    )
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "socialmission", *args],
        cwd=REPO_ROOT,
        env=env,
        text=True,
        capture_output=True,
    )
    if done.returncode:
        raise RuntimeError(f"socialmission {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done


def prepare_catalog(n: int, seed: int, data_dir: Path) -> dict[str, Any]:
    # A separate process: Django reads DATA_DIR once, when it starts.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.generate",
            "--n",
            str(n),
            "--seed",
            str(seed),
            "--data-dir",
            str(data_dir),
        ],
        cwd=REPO_ROOT,
        check=True,
    )
    marker = generate.read_marker(data_dir)
    if not generate.marker_matches(marker, n, seed):
        raise RuntimeError(f"the catalog in {data_dir} was not completed")
    assert marker is not None
    return marker


def ensure_index(env: dict[str, str], data_dir: Path, *, force: bool) -> dict[str, Any]:
    """Build the index fully and time it, unless a previous run did; then bring it up to date."""
    record_path = data_dir / REINDEX_RECORD
    record: dict[str, Any] | None = None
    with contextlib.suppress(OSError, ValueError):
        record = json.loads(record_path.read_text())
    index_dir = data_dir / "index"
    if force or record is None or not index_dir.exists():
        with console.status("Full reindex (timed)…"):
            children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = manage(env, "reindex")
            seconds = time.perf_counter() - started
            children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        reported = re.search(r"in ([\d.]+) s", done.stdout)
        record = {
            "seconds": round(seconds, 2),
            "index_seconds": float(reported.group(1)) if reported else None,
            # CPU time of the command (all threads): what the build costs whatever else runs.
            "cpu_seconds": round(
                children_after.ru_utime
                + children_after.ru_stime
                - children_before.ru_utime
                - children_before.ru_stime,
                2,
            ),
            "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": "socialmission reindex (whole process, Django start-up included)",
            # The command's own summary line, without its progress bar.
            "output": "\n".join(
                line for line in done.stdout.splitlines() if line.startswith("Indexed")
            ),
        }
        record_path.write_text(json.dumps(record, indent=2) + "\n")
    else:
        with console.status("Bringing the index up to date…"):
            manage(env, "reindex", "--if-stale")
        record["reused"] = True
    return record


def directory_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run gunicorn with the project's gunicorn.conf.py; always stop it on the way out."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "socialmission.wsgi",
                "-c",
                "gunicorn.conf.py",
                "-b",
                f"{HOST}:{port}",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group: Ctrl-C reaches only us, and we stop the whole server
            # (master and workers) by that group's id, which is the master's pid.
            start_new_session=True,
        )
        try:
            yield process
        finally:
            stop_process_group(process)


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def wait_until_up(base_url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log_path.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base_url}/", timeout=5).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer in 90 s:\n{log_path.read_text()[-3000:]}")


def process_tree_cpu_seconds(root_pid: int) -> float:
    """User + system CPU time of a process and its direct children (gunicorn's workers).

    Latency on a shared two-core machine depends on whatever else runs; the server's CPU time
    per request does much less, so it is reported beside the latencies.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int(stat.parent.name)
            # Fields after the parenthesised command name: state, ppid, ... utime, stime.
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if pid == root_pid or int(fields[1]) == root_pid:
                total += int(fields[11]) + int(fields[12])
    return total / ticks


def timed_get(
    client: httpx.Client,
    scenario: str,
    path: str,
    kind: str = "",
    filters: int = 0,
    headers: dict[str, str] | None = None,
) -> Sample:
    started = time.perf_counter()
    response = client.get(path, headers=headers)
    body = response.content
    ms = (time.perf_counter() - started) * 1000
    return Sample(scenario, path, kind, filters, response.status_code, len(body), ms)


def run_sequential(
    base_url: str,
    scenario: str,
    queries: Sequence[BenchQuery],
    repeat: int,
    headers: dict[str, str] | None = None,
    base: str = "/search/",
    client: httpx.Client | None = None,
    after: Callable[[BenchQuery], None] | None = None,
) -> list[Sample]:
    """One client, one keep-alive connection, one request at a time.

    Pass ``client`` to stay on a connection (and so on the gunicorn worker) used before;
    ``after`` is called with each query once its answer is in (the raw engine's turn).
    """
    samples = []
    with contextlib.ExitStack() as stack:
        if client is None:
            client = stack.enter_context(httpx.Client(base_url=base_url, timeout=60))
        for _ in range(repeat):
            for query in queries:
                samples.append(
                    timed_get(
                        client, scenario, query.path(base), query.kind, query.filter_count, headers
                    )
                )
                if after is not None:
                    after(query)
    return samples


def run_warmed(
    base_url: str,
    cpu: CpuMeter,
    scenario: str,
    queries: Sequence[BenchQuery],
    warmup: Sequence[BenchQuery],
    base: str = "/search/",
) -> tuple[list[Sample], float]:
    """``queries`` on one connection after ``CONNECTION_WARMUP`` unmeasured requests of
    ``warmup`` (cycled) on the same connection, hence on the same worker; returns the samples
    and the server's CPU seconds over the measured requests only."""
    with httpx.Client(base_url=base_url, timeout=60) as client:
        first = [warmup[i % len(warmup)] for i in range(CONNECTION_WARMUP)]
        run_sequential(base_url, "warmup", first, 1, base=base, client=client)
        cpu.lap()
        samples = run_sequential(base_url, scenario, queries, 1, base=base, client=client)
        return samples, cpu.lap()


def misspelled(queries: Sequence[BenchQuery]) -> list[BenchQuery]:
    """The mix's queries with words, each word missing its middle letter: one edit away from
    an indexed word, so a page with no hits that works out a spelling suggestion."""

    def typo(word: str) -> str:
        middle = len(word) // 2
        return word[:middle] + word[middle + 1 :] if len(word) >= 5 else word + "q"

    changed = []
    for query in queries:
        if query.q:
            words = " ".join(typo(w) for w in query.q.replace('"', "").split())
            changed.append(BenchQuery("no_hits", words, query.filters))
    return changed


def round_mixes(
    count: int, seed: int, rounds: int
) -> list[tuple[list[BenchQuery], list[BenchQuery]]]:
    """A (page, partial) pair of mixes per round, from seeds seed, seed + 1, seed + 2, ...

    The search caches facet counts per query in each worker, so a query measured a second time
    measures the cache. Each round and each variant therefore gets a mix of its own, never sent
    before (queries repeat within and across mixes only as often as readers repeat them: the
    bare browse page, the most common words). The warm-up and the concurrent run use seeds far
    from these (``WARMUP_SEED_OFFSET``, ``CONCURRENT_SEED_OFFSET``).
    """
    return [
        (query_mix(count, seed + 2 * r), query_mix(count, seed + 2 * r + 1)) for r in range(rounds)
    ]


def run_concurrent(
    base_url: str,
    queries: Sequence[BenchQuery],
    clients: int,
    duration: float,
    per_client: int | None = None,
) -> tuple[list[Sample], float]:
    """``clients`` threads, each with its own connection, cycling through the mix from its own
    starting point until ``duration`` seconds have passed (or each has sent ``per_client``
    requests); returns the samples and the wall time."""
    samples: list[Sample] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)
    deadline = 0.0

    def worker(offset: int) -> None:
        mine = []
        with httpx.Client(base_url=base_url, timeout=60) as client:
            start_gate.wait()
            i = offset
            while time.perf_counter() < deadline and (
                per_client is None or i - offset < per_client
            ):
                query = queries[i % len(queries)]
                mine.append(
                    timed_get(client, "concurrent", query.path(), query.kind, query.filter_count)
                )
                i += 1
        with lock:
            samples.extend(mine)

    threads = [
        threading.Thread(target=worker, args=(k * len(queries) // clients,), daemon=True)
        for k in range(clients)
    ]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    deadline = started + duration
    start_gate.wait()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - started


class CpuMeter:
    """Server CPU seconds used since the previous lap."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.last = process_tree_cpu_seconds(pid)

    def lap(self) -> float:
        now = process_tree_cpu_seconds(self.pid)
        used, self.last = now - self.last, now
        return used


def describe(
    samples: Sequence[Sample], wall_seconds: float | None = None, cpu_seconds: float | None = None
) -> dict[str, Any]:
    ok = [s.ms for s in samples if s.status == 200]
    summary: dict[str, Any] = summarize(ok, wall_seconds)
    if cpu_seconds is not None and samples:
        summary["server_cpu_ms_per_request"] = round(cpu_seconds * 1000 / len(samples), 2)
    summary["errors"] = sum(1 for s in samples if s.status != 200)
    summary["mean_bytes"] = round(sum(s.bytes for s in samples) / len(samples)) if samples else 0
    return summary


def breakdown(samples: Sequence[Sample]) -> dict[str, Any]:
    return {
        "by_kind": {kind: describe([s for s in samples if s.kind == kind]) for kind in KINDS},
        "by_filter_count": {
            str(k): describe([s for s in samples if s.filters == k]) for k in range(MAX_FILTERS + 1)
        },
    }


_TOTAL = re.compile(r'id="results-count"[^>]*>\s*([\d,]+)')
# A facet checkbox (name = facet key, value = slug), then the count in its label.
_FACET_COUNT = re.compile(
    r'<input type="checkbox"[^>]*?name="([a-z_]+)" value="([^"]*)"[^>]*>'
    r'(?:(?!<input).)*?class="facet-count">\(([\d,]+)',
    re.DOTALL,
)


def page_figures(body: str) -> dict[str, Any]:
    """The total and the facet counts a search page shows (a facet value it does not show is
    not compared)."""
    match = _TOTAL.search(body)
    facets: dict[str, dict[str, int]] = {}
    for key, slug, count in _FACET_COUNT.findall(body):
        facets.setdefault(key, {})[html.unescape(slug)] = int(count.replace(",", ""))
    return {"total": int(match.group(1).replace(",", "")) if match else 0, "facets": facets}


def fetch_pages(base_url: str, queries: Sequence[BenchQuery]) -> list[dict[str, Any]]:
    """What the search page shows for each query (not timed)."""
    with httpx.Client(base_url=base_url, timeout=60) as client:
        return [{"path": q.path(), **page_figures(client.get(q.path()).text)} for q in queries]


def compare_with_raw(
    pages: Sequence[dict[str, Any]], answers: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """Do the pages show the totals and facet counts the raw engine found?"""
    mismatches: list[str] = []
    values = 0
    for page, raw in zip(pages, answers, strict=True):
        if page["path"] != raw["path"]:
            mismatches.append(f"different queries: {page['path']} / {raw['path']}")
            continue
        if page["total"] != raw["total"]:
            mismatches.append(
                f"{page['path']}: total {page['total']} on the page, {raw['total']} raw"
            )
        if not page["facets"] and raw["total"]:
            mismatches.append(f"{page['path']}: no facet counts found on the page")
        for key, counts in page["facets"].items():
            for slug, count in counts.items():
                values += 1
                expected = raw["facets"].get(key, {}).get(slug, 0)
                if count != expected:
                    mismatches.append(
                        f"{page['path']}: {key}={slug} {count} on the page, {expected} raw"
                    )
    return {
        "queries": len(pages),
        "facet_values_compared": values,
        "agree": not mismatches,
        "mismatches": mismatches[:20],
    }


class RawEngine:
    """The raw-engine process (``python -m bench.raw --serve``, no Django), asked to run each
    query right after the server answered it, so both see the same load on a shared machine."""

    def __init__(self, data_dir: Path) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.raw",
                "--serve",
                "--index",
                str(data_dir / "index"),
                "--database",
                str(data_dir / "library.sqlite3"),
            ],
            cwd=REPO_ROOT,
            env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.hello = self._read()
        self.cpu_seconds = 0.0
        self.measured = 0
        self.answers: list[dict[str, Any]] = []

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("bench.raw stopped (its error is above)")
        reply: dict[str, Any] = json.loads(line)
        return reply

    def _ask(self, op: str, queries: Sequence[BenchQuery]) -> dict[str, Any]:
        assert self.process.stdin is not None
        command = {
            "op": op,
            "queries": [[q.kind, q.q, [list(f) for f in q.filters]] for q in queries],
        }
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return self._read()

    def run(self, queries: Sequence[BenchQuery]) -> None:
        """Not measured: brings its cached counts to the state the server's are in."""
        self._ask("run", queries)

    def measure(self, query: BenchQuery, *, keep_answer: bool) -> None:
        reply = self._ask("run", [query])
        self.cpu_seconds += reply["cpu"]
        self.measured += 1
        if keep_answer:
            self.answers.extend(reply["answers"])

    def parts(self, queries: Sequence[BenchQuery]) -> dict[str, Any]:
        return self._ask("parts", queries)

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps({"op": "quit"}) + "\n")
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def pubmed_throughput() -> dict[str, Any] | None:
    """Issue 4's parse throughput, if the bibliography app provides its benchmark."""
    try:
        module = importlib.import_module("socialmission.bibliography.benchmarks")
    except ImportError:
        return None
    function = getattr(module, "bench_pubmed_xml", None)
    if function is None:
        return None
    cpu_started = time.process_time()
    result = function(PUBMED_RECORDS)
    cpu_seconds = time.process_time() - cpu_started
    if is_dataclass(result) and not isinstance(result, type):
        figures: dict[str, Any] = asdict(result)
    elif isinstance(result, dict):
        figures = dict(result)
    else:
        figures = {"records_per_second": float(result)}
    # bibliography.benchmarks.BenchResult has the rate as a property, which asdict leaves out.
    rate = getattr(result, "records_per_second", None)
    if isinstance(rate, int | float):
        figures["records_per_second"] = round(float(rate), 1)
    figures.setdefault("records", PUBMED_RECORDS)
    # Wall time suffers from whatever else the machine runs; CPU time much less. It includes
    # building the synthetic input, so this rate is a lower bound of the parser's own.
    figures["records_per_cpu_second"] = round(figures["records"] / cpu_seconds, 1)
    rate = figures.get("records_per_second")
    if isinstance(rate, int | float):
        figures["target_records_per_second"] = PUBMED_TARGET_PER_SECOND
        figures["meets_target"] = rate >= PUBMED_TARGET_PER_SECOND
    return figures


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        info["git_commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    return info


def check_targets(n: int, results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target that applies at size ``n``: what, the limit, the figure and whether it is
    within the limit. A latency target is listed even unmeasured (missed); the others only
    when the run measured them."""
    raw = results.get("raw_engine", {})
    checks: list[tuple[str, float, float | None]] = [
        (f"{scenario} {statistic} ms", limit, results["scenarios"][scenario].get(statistic))
        for scenario, statistic, limit in LATENCY_TARGETS.get(n, [])
    ]
    measured_only = [
        ("search page server CPU / raw engine CPU", RAW_RATIO_TARGET, raw.get("ratio"))
    ]
    measured_only += [
        (
            f"{scenario} page CPU / search page CPU",
            limit,
            results["scenarios"].get(scenario, {}).get("cpu_ratio_to_search"),
        )
        for scenario, limit in CPU_RATIO_TARGETS.items()
    ]
    if n in FACET_LARGE_HITS_TARGET_MS:
        measured_only.append(
            (
                f"facet counting ms, searches with {raw_module.LARGE_HITS:,}+ hits",
                FACET_LARGE_HITS_TARGET_MS[n],
                raw.get("parts_ms_per_query", {}).get("facet_counts_large_hits"),
            )
        )
    if n in REINDEX_TARGET_CPU_SECONDS:
        measured_only.append(
            (
                "full reindex CPU-s",
                REINDEX_TARGET_CPU_SECONDS[n],
                results["reindex"].get("cpu_seconds"),
            )
        )
    checks += [check for check in measured_only if check[2] is not None]
    return [
        {
            "what": what,
            "limit": limit,
            "measured": value,
            "met": value is not None and value <= limit,
        }
        for what, limit, value in checks
    ]


def print_table(results: dict[str, Any]) -> None:
    meta = results["meta"]
    table = Table(title=f"Search over HTTP, {meta['n']:,} resources (seed {meta['seed']})")
    for column in (
        "scenario",
        "requests",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "mean ms",
        "req/s",
        "server CPU ms/req",
        "errors",
    ):
        table.add_column(column, justify="left" if column == "scenario" else "right")

    def row(label: str, s: dict[str, Any]) -> None:
        def cell(key: str) -> str:
            return f"{s[key]:.1f}" if key in s else "-"

        table.add_row(
            label,
            str(s.get("count", 0)),
            cell("p50"),
            cell("p95"),
            cell("p99"),
            cell("mean"),
            cell("requests_per_second"),
            cell("server_cpu_ms_per_request"),
            str(s.get("errors", 0)),
        )

    for name, summary in results["scenarios"].items():
        row(name, summary)
    for kind, summary in results["search_breakdown"]["by_kind"].items():
        row(f"  search, {kind}", summary)
    for count, summary in results["search_breakdown"]["by_filter_count"].items():
        row(f"  search, {count} filters", summary)
    console.print(table)
    catalog = results["catalog"]
    console.print(
        f"Catalog: {catalog['published']:,} published of {meta['n']:,}; database "
        f"{catalog['database_bytes'] / 1e6:,.0f} MB, index {catalog['index_bytes'] / 1e6:,.0f} MB; "
        f"generated in {catalog['generate_seconds']:.0f} s. Full reindex: "
        f"{results['reindex'].get('seconds', '-')} s."
    )
    raw = results.get("raw_engine")
    if raw:
        parts = raw["parts_ms_per_query"]
        console.print(
            f"Raw engine (same mixes, no Django): {raw['cpu_ms_per_search_page']:.2f} ms CPU per "
            f"search page; of one search call ({parts['search_call_whole']:.2f} ms, no cached "
            f"counts): facet counts {parts['facet_counts']:.2f} ms, documents and snippets "
            f"{parts['documents_and_snippets']:.2f} ms, query and hits "
            f"{parts['query_and_hits']:.2f} ms."
        )
        if parts.get("facet_counts_large_hits") is not None:
            console.print(
                f"Facet counting of the {parts['large_hit_searches']} searches with "
                f"{raw_module.LARGE_HITS:,} hits or more: {parts['facet_counts_large_hits']:.2f} "
                "ms a search call."
            )
        agreement = raw["agreement"]
        if agreement["agree"]:
            console.print(
                f"Pages agree with the raw engine: {agreement['queries']} totals, "
                f"{agreement['facet_values_compared']:,} facet counts."
            )
        else:
            console.print("[red]Pages DISAGREE with the raw engine:[/red]")
            for line in agreement["mismatches"]:
                console.print(f"  {line}", markup=False)
        for name, label in (("search_no_hits", "a page with no hits"), ("home", "the home page")):
            figures = results["scenarios"].get(name, {})
            if "cpu_ratio_to_search" in figures:
                console.print(
                    f"CPU of {label} / a search page: {figures['cpu_ratio_to_search']:.2f}"
                    + (
                        f" ({figures['pages_without_hits']} of {figures['count']} found nothing)"
                        if "pages_without_hits" in figures
                        else ""
                    )
                )
        split = page_breakdown(results["scenarios"], raw)
        if split:
            console.print(
                f"Of a search page's {split['page']:.2f} ms CPU: the raw engine's "
                f"{split['engine']:.2f}, what any page costs on this server (robots.txt) "
                f"{split['any_page']:.2f}, the page's own work {split['own']:.2f}."
            )
        if "ratio" in raw:
            # On a line of its own, exactly so: the headline figure of issue 12.
            print(f"ratio to raw engine (CPU per search page): {raw['ratio']:.2f}x", flush=True)
    if results.get("pubmed_xml"):
        console.print(f"PubMed XML parsing: {results['pubmed_xml']}")
    console.print(
        f"Load average (1 min) before/after: {meta['load_average_before']} / "
        f"{meta['load_average_after']} on {meta['machine'].get('cpus')} CPUs."
    )
    for check in results["targets"]:
        mark = "[green]met[/green]" if check["met"] else "[red]MISSED[/red]"
        console.print(f"Target {check['what']} ≤ {check['limit']}: {check['measured']} {mark}")


def page_breakdown(scenarios: dict[str, Any], raw: dict[str, Any]) -> dict[str, float] | None:
    """A search page's server CPU (ms) split into the raw engine's, what any page costs on the
    same server (the smallest page: gunicorn, Django, every middleware) and the rest: the
    search page's own work (parameters, results, templates)."""
    page = scenarios.get("search", {}).get("server_cpu_ms_per_request")
    any_page = scenarios.get("django_floor", {}).get("server_cpu_ms_per_request")
    engine = raw.get("cpu_ms_per_search_page")
    if not (page and any_page and engine):
        return None
    return {
        "page": page,
        "engine": engine,
        "any_page": any_page,
        "own": round(page - engine - any_page, 3),
    }


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    n, seed = args.n, args.seed
    data_dir = (args.data_dir or generate.default_data_dir(n, seed)).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    console.print(f"Catalog of {n:,} resources in {data_dir}")
    catalog = prepare_catalog(n, seed, data_dir)
    env = bench_env(data_dir)
    manage(env, "migrate", "--noinput")
    reindex = (
        {"skipped": True} if args.skip_reindex else ensure_index(env, data_dir, force=args.reindex)
    )
    catalog["database_bytes"] = sum(directory_bytes(p) for p in data_dir.glob("library.sqlite3*"))
    catalog["index_bytes"] = (
        directory_bytes(data_dir / "index") if (data_dir / "index").exists() else 0
    )

    # The code under test is whatever is checked out when the server starts.
    machine_info = machine()
    load_before = os.getloadavg()[0]
    port = args.port or free_port()
    base_url = f"http://{HOST}:{port}"
    log_path = data_dir / "gunicorn.log"
    scenarios: dict[str, Any] = {}
    raw = RawEngine(data_dir)
    with contextlib.ExitStack() as stack:
        stack.callback(raw.close)
        process = stack.enter_context(gunicorn(env, port, log_path))
        with console.status(f"Starting gunicorn on {base_url}…"):
            wait_until_up(base_url, process, log_path)
        with console.status("Warming up (a mix of its own, from two clients)…"):
            # Both workers must run every code path before measuring: two connections. The
            # warm-up mix is not the measured one, so it leaves no cached counts for it.
            warm = query_mix(args.queries, args.query_seed + WARMUP_SEED_OFFSET)
            run_concurrent(base_url, warm, 2, duration=600, per_client=len(warm))
            run_sequential(base_url, "warmup", warm, 1, headers={"HX-Request": "true"})
            run_sequential(base_url, "warmup", [BenchQuery("home", "", ())] * 10, 1, base="/")
            raw.run(warm)
        cpu = CpuMeter(process.pid)
        # The page and its htmx partial alternate, one round each, so a change in the machine's
        # load during the run falls on both alike. Each round's page mix is then sent again on
        # the same connection (same worker): that second pass measures cached facet counts.
        search: list[Sample] = []
        cached: list[Sample] = []
        partial: list[Sample] = []
        cpu_search = cpu_cached = cpu_partial = 0.0
        for round_number, (page_mix, partial_mix) in enumerate(
            round_mixes(args.queries, args.query_seed, args.repeat), start=1
        ):
            with console.status(f"Search page and partial, round {round_number}/{args.repeat}…"):
                with httpx.Client(base_url=base_url, timeout=60) as client:
                    cpu.lap()
                    # Each page, then the same query through the raw engine at once.
                    measure_raw = functools.partial(raw.measure, keep_answer=round_number == 1)
                    search += run_sequential(
                        base_url, "search", page_mix, 1, client=client, after=measure_raw
                    )
                    cpu_search += cpu.lap()
                    cached += run_sequential(base_url, "search_cached", page_mix, 1, client=client)
                    cpu_cached += cpu.lap()
                raw.run(page_mix)
                cpu.lap()
                partial += run_sequential(
                    base_url, "search_htmx", partial_mix, 1, headers={"HX-Request": "true"}
                )
                cpu_partial += cpu.lap()
                raw.run(partial_mix)
        scenarios["search"] = describe(search, cpu_seconds=cpu_search)
        scenarios["search_cached"] = describe(cached, cpu_seconds=cpu_cached)
        scenarios["search_htmx"] = describe(partial, cpu_seconds=cpu_partial)
        home_page = BenchQuery("home", "", ())
        with console.status("Home page…"):
            home, home_cpu = run_warmed(
                base_url, cpu, "home", [home_page] * args.home_requests, [home_page], base="/"
            )
        scenarios["home"] = describe(home, cpu_seconds=home_cpu)
        with console.status("The smallest page (robots.txt)…"):
            # What any page costs on this server: gunicorn, Django's handler and every
            # middleware around a view that does almost nothing. The search page's own work is
            # what it costs beyond this and the raw engine.
            smallest = BenchQuery("floor", "", ())
            floor, floor_cpu = run_warmed(
                base_url,
                cpu,
                "django_floor",
                [smallest] * FLOOR_REQUESTS,
                [smallest],
                base="/robots.txt",
            )
        scenarios["django_floor"] = describe(floor, cpu_seconds=floor_cpu)
        with console.status("Search pages with no hits (misspelled words)…"):
            typos = misspelled(query_mix(args.queries, args.query_seed + MISSPELLED_SEED_OFFSET))
            typos_warmup = misspelled(
                query_mix(args.queries, args.query_seed + MISSPELLED_WARMUP_SEED_OFFSET)
            )
            no_hits, no_hits_cpu = run_warmed(base_url, cpu, "search_no_hits", typos, typos_warmup)
            scenarios["search_no_hits"] = describe(no_hits, cpu_seconds=no_hits_cpu)
            with httpx.Client(base_url=base_url, timeout=60) as client:
                # How many of them found nothing indeed (a typo can be another indexed word).
                scenarios["search_no_hits"]["pages_without_hits"] = sum(
                    page_figures(client.get(q.path()).text)["total"] == 0 for q in typos
                )
        if args.concurrency > 0:
            with console.status(f"{args.concurrency} clients at once for {args.duration:.0f} s…"):
                busy_mix = query_mix(
                    max(CONCURRENT_MIX_SIZE, args.queries),
                    args.query_seed + CONCURRENT_SEED_OFFSET,
                )
                concurrent, wall = run_concurrent(
                    base_url, busy_mix, args.concurrency, args.duration
                )
            scenarios[f"concurrent_{args.concurrency}_clients"] = describe(
                concurrent, wall, cpu_seconds=cpu.lap()
            )
        with console.status("Reading the first round's pages for the comparison…"):
            pages = fetch_pages(base_url, round_mixes(args.queries, args.query_seed, 1)[0][0])
        with console.status("Timing the raw engine's parts (no Django)…"):
            measured_mixes = [
                q
                for page_mix, _ in round_mixes(args.queries, args.query_seed, args.repeat)
                for q in page_mix
            ]
            raw_parts = raw.parts(measured_mixes)
    raw_figures: dict[str, Any] = {
        "queries_measured": raw.measured,
        "cpu_ms_per_search_page": round(raw.cpu_seconds * 1000 / max(1, raw.measured), 3),
        "parts_ms_per_query": raw_parts,
        "django_imported": raw.hello.get("django_imported"),
        "measured": "query by query, each right after the server answered the same query",
        "agreement": compare_with_raw(pages, raw.answers),
    }
    page_cpu = scenarios["search"].get("server_cpu_ms_per_request")
    no_hits_cpu = scenarios.get("search_no_hits", {}).get("server_cpu_ms_per_request")
    if page_cpu and no_hits_cpu:
        scenarios["search_no_hits"]["cpu_ratio_to_search"] = round(no_hits_cpu / page_cpu, 2)
    home_cpu = scenarios.get("home", {}).get("server_cpu_ms_per_request")
    if page_cpu and home_cpu:
        scenarios["home"]["cpu_ratio_to_search"] = round(home_cpu / page_cpu, 2)
    if page_cpu and raw_figures["cpu_ms_per_search_page"]:
        raw_figures["ratio"] = round(page_cpu / raw_figures["cpu_ms_per_search_page"], 2)
    load_after = os.getloadavg()
    results: dict[str, Any] = {
        "meta": {
            "n": n,
            "seed": seed,
            "query_seed": args.query_seed,
            "queries": args.queries,
            "repeat": args.repeat,
            "concurrency": args.concurrency,
            "duration_seconds": args.duration,
            "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "server": "gunicorn -c gunicorn.conf.py (gthread, workers = CPUs, 2 threads), DEBUG off",
            "client": "httpx keep-alive, same machine, loopback",
            "machine": machine_info,
            # Other work on the machine skews latencies: the 1-minute load before and after.
            "load_average_before": round(load_before, 2),
            "load_average_after": round(load_after[0], 2),
        },
        "catalog": catalog,
        "reindex": reindex,
        "scenarios": scenarios,
        "raw_engine": raw_figures,
        "search_breakdown": breakdown(search),
        "slowest_search_queries": [
            {"path": s.path, "ms": round(s.ms, 2)}
            for s in sorted(search, key=lambda s: s.ms, reverse=True)[:10]
        ],
    }
    if not args.skip_pubmed:
        with console.status("PubMed XML parsing…"):
            results["pubmed_xml"] = pubmed_throughput()
    results["targets"] = check_targets(n, results)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n", type=int, default=10_000, help="resources in the catalog: 10000, 100000 or 1000000"
    )
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--queries", type=int, default=200, help="size of the query mix")
    parser.add_argument("--query-seed", type=int, default=DEFAULT_QUERY_SEED)
    parser.add_argument(
        "--repeat", type=int, default=2, help="times the mix is sent in the one-client runs"
    )
    parser.add_argument("--home-requests", type=int, default=200)
    parser.add_argument(
        "--concurrency",
        type=int,
        default=4,
        help="clients in the requests-per-second run (0 skips it)",
    )
    parser.add_argument(
        "--duration", type=float, default=15.0, help="seconds the requests-per-second run lasts"
    )
    parser.add_argument("--port", type=int, help="default: a free port on 127.0.0.1")
    parser.add_argument("--data-dir", type=Path, help="default var/bench/<n>-seed<seed>")
    parser.add_argument(
        "--reindex", action="store_true", help="time a full reindex even if a previous run did"
    )
    parser.add_argument(
        "--skip-reindex",
        action="store_true",
        help="leave the index as it is (only for working on the harness)",
    )
    parser.add_argument("--skip-pubmed", action="store_true")
    parser.add_argument("--output", type=Path, help="default bench/results/<n>-<timestamp>.json")
    args = parser.parse_args(argv)
    if args.n < 1 or args.repeat < 1 or args.queries < 1 or args.concurrency < 0:
        parser.error("--n, --repeat and --queries must be positive, --concurrency not negative")

    # gunicorn must be stopped on SIGTERM too: turn it into the same path as Ctrl-C.
    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    # A shell starting us in the background ignores SIGINT for us; we still want it to stop.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        results = benchmark(args)
    except KeyboardInterrupt:
        console.print("[red]Interrupted; the server was stopped.[/red]")
        return 130
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        console.print(str(exc), style="red", markup=False)
        return 1
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    output = args.output or RESULTS_DIR / f"{args.n}-{stamp}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    console.print(f"Written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
