"""The browser-test harness itself: a missing Chromium skips locally and fails in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import require_chromium


@pytest.mark.parametrize("ci", ["true", "1", "TRUE"])
def test_missing_chromium_fails_in_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_chromium(tmp_path / "chromium")


@pytest.mark.parametrize("ci", [None, "", "false"])
def test_missing_chromium_skips_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ci: str | None
) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match="make test-browser-deps"):
        require_chromium(tmp_path / "chromium")


def test_present_chromium_neither_skips_nor_fails(tmp_path: Path) -> None:
    (tmp_path / "chromium").touch()
    require_chromium(tmp_path / "chromium")
