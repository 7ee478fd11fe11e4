"""The contribution limit as production runs it: two gunicorn workers, one Redis, one proxy.

A burst of parallel posts from one client gets exactly the limit through, whichever worker
answers, and a forged X-Forwarded-For entry does not make a client someone else.
"""

from __future__ import annotations

import os
import re
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from socialmission.contributions.tests.helpers import suggestion_post
from socialmission.core.tests.processes import gunicorn

REDIS_DB = 12
LIMIT = 5


def redis_url() -> str:
    import redis

    url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.RedisError as error:
        message = f"Redis is not reachable at {url}: {error}"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message + " (CI=true, so this test may not be skipped)")
        pytest.skip(message)
    return url


def form_tokens(url: str) -> tuple[dict[str, str], dict[str, str]]:
    page = httpx.get(f"{url}/contribute/resource/", timeout=30)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    started = re.search(r'name="started" value="([^"]+)"', page.text)
    assert csrf and started, (
        f"the suggestion form lost its tokens: {page.status_code} {page.text[:300]}"
    )
    return dict(page.cookies), {"csrfmiddlewaretoken": csrf[1], "started": started[1]}


def burst(url: str, client_address: str, posts: int) -> list[int]:
    cookies, tokens = form_tokens(url)

    def post(n: int) -> int:
        forged = f"198.51.100.{n % 250}"  # what a client may write itself
        data = {
            **suggestion_post(),
            **tokens,
            "title": f"Burst {client_address} {n} {uuid.uuid4().hex}",
        }
        # A connection of its own per post, so the posts spread over both workers.
        response = httpx.post(
            f"{url}/contribute/resource/",
            data=data,
            cookies=cookies,
            headers={"X-Forwarded-For": f"{forged}, {client_address}", "Referer": url},
            timeout=60,
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        return list(pool.map(post, range(posts)))


@pytest.mark.django_db
def test_two_workers_share_one_limit_that_a_burst_and_forged_headers_cannot_pass(
    process_env: dict[str, str],
) -> None:
    env = {
        **process_env,
        "CACHE_URL": redis_url(),
        "TRUSTED_PROXY_COUNT": "1",
        "CONTRIBUTIONS_RATE_LIMIT": str(LIMIT),
        "CONTRIBUTIONS_MIN_FILL_SECONDS": "0",
    }
    with gunicorn(env, workers=2, ready_path="/contribute/") as url:
        first = burst(url, "203.0.113.7", 30)
        assert first.count(302) == LIMIT, first
        assert first.count(429) == 30 - LIMIT, first
        # Another client behind the same proxy has a limit of its own.
        second = burst(url, "203.0.113.8", 8)
        assert second.count(302) == LIMIT, second
