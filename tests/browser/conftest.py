"""Shared fixtures for the browser tests: Debian's Chromium through Playwright, axe-core, a catalog.

Every test under tests/browser is marked ``browser``. Chromium is the one Debian ships
(``scripts/install-chromium.sh``), not Playwright's download, so the suite never needs the
internet. Without it the tests are skipped with the reason, except in CI (``CI=true``),
where a missing browser is a failure: a green CI run must mean the pages were really driven.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

# Playwright's sync API runs an event loop in the test thread, which makes Django refuse ORM
# calls there ("You cannot call this from an async context"); the calls are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
BROWSER_DIR = Path(__file__).parent.resolve()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require_chromium(path: Path = CHROMIUM) -> None:
    """Skip the test when Chromium is missing, or fail it in CI (``CI=true``)."""
    if path.exists():
        return
    message = f"Chromium is not installed at {path}: run `make test-browser-deps`"
    if _in_ci():
        pytest.fail(message + " (CI=true, so the browser tests may not be skipped)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session (per xdist worker)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser context (cookies, storage) per test."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def no_js_page(browser: Browser) -> Iterator[Page]:
    """A page in a context with JavaScript switched off, as some readers browse."""
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(10_000)
    yield ctx.new_page()
    ctx.close()


def tab_to(page: Page, selector: str, *, limit: int = 300, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the element matching ``selector`` has the focus.

    The one keyboard helper of the browser tests: it fails, naming the selector and the page,
    when ``limit`` presses never reach the element.
    """
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never received the focus by keyboard on {page.url}")


def axe_violations(page: Page, *, exclude: list[str] | None = None) -> list[str]:
    """Run axe-core on the page (WCAG 2.0, 2.1 and 2.2, A and AA, plus best practice) and describe each violation.

    Returns one readable line per violation (rule, impact, help, URL and the offending nodes
    with axe's own explanation), so ``assert axe_violations(page) == []`` fails with a
    message that says what to fix. An empty list means no violations.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not added as an inline <script>: the site's
        # Content-Security-Policy (rightly) refuses inline script, and the tests keep it on.
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8") + "\n;undefined")
    violations: list[dict[str, Any]] = page.evaluate(
        """async ([tags, exclude]) => {
            const context = exclude.length ? {include: [document], exclude: exclude.map(s => [s])} : document;
            const result = await axe.run(context, {
                runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary || ''})),
            }));
        }""",
        [AXE_TAGS, exclude or []],
    )
    described = []
    for v in violations:
        nodes = "; ".join(
            f"{n['target']} ({' '.join(n['summary'].split())})" for n in v["nodes"][:5]
        )
        more = f" and {len(v['nodes']) - 5} more" if len(v["nodes"]) > 5 else ""
        described.append(
            f"{v['id']} [{v['impact']}] {v['help']} <{v['helpUrl']}> at {page.url}: {nodes}{more}"
        )
    return described


@pytest.fixture
def vocabularies(transactional_db: None) -> None:
    """The seeded vocabularies, present again in a transactional test.

    Transactional tests (which the live server needs) flush every table afterwards, the rows
    the data migration seeded included; its seed function is idempotent, so run it again.
    """
    from django.apps import apps

    seed_migration = importlib.import_module(
        "socialmission.library.migrations.0002_seed_vocabularies"
    )
    seed_migration.seed(apps, None)


@pytest.fixture
def starter_catalog(vocabularies: None) -> int:
    """The starter catalog, loaded into the database the live server reads; returns its size.

    The search index follows the outbox by itself, into this test's own index directory.
    """
    from socialmission.interop.catalog import load_catalog

    return len(load_catalog().created)


@pytest.fixture
def catalog_server(starter_catalog: int, live_server: Any) -> str:
    """The live server's base URL, with the starter catalog loaded."""
    return str(live_server.url)
