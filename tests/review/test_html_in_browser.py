"""The HTML report opened in a real browser (headless Chromium) at a phone's width.

Two runs of Chromium: one takes a long screenshot of the page exactly as exported (it and its
first phone screen are saved in the test's folder, and copied to ``$LEVERS_SCREENSHOTS`` when
that is set); the other loads a copy
with a small probe script (the only change: the page's Content-Security-Policy also allows that
inline script) that reports, from the laid-out page, whether the charts decoded and show at a
readable size, whether the timeline is there, and whether anything sticks out past the phone's
width. The screenshot is then checked where the probe says the chart is: the seats' colours are
painted there.

Without Chromium the test is skipped, except under ``CI=true``, where it fails: ``.ci/run``
installs Debian's ``chromium`` package.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.game.match import play_match
from bot.review.build import record_from_log
from bot.review.exports import export
from bot.review.record import MatchRecord
from tests.review.helpers import scenario

PHONE_WIDTH = 412  # CSS pixels: a common Android phone
PHONE_HEIGHT = 915
TALL = 3200  # a long screenshot that reaches the charts
PROBE = """
<script>
window.addEventListener("load", () => {
  const width = %(width)d;
  const box = (el) => { const r = el.getBoundingClientRect();
    return {x: r.left, y: r.top + scrollY, w: r.width, h: r.height}; };
  const shown = (el) => { const s = getComputedStyle(el);
    return s.display !== "none" && s.visibility === "visible" && parseFloat(s.opacity) > 0; };
  const charts = [...document.querySelectorAll("#charts img")].map((img) => ({
    id: img.id, decoded: img.complete && img.naturalWidth > 0, natural: img.naturalWidth,
    shown: shown(img), ...box(img)}));
  const timeline = document.getElementById("timeline");
  const rounds = [...document.querySelectorAll("#timeline article.round")];
  const wide = [...document.querySelectorAll("main *")]
    .filter((el) => !el.parentElement.closest(".scroll"))
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .map((el) => el.tagName + (el.id ? "#" + el.id : ""));
  document.getElementById("probe").textContent = JSON.stringify({
    charts, wide, rounds: rounds.length,
    timeline: timeline ? {shown: shown(timeline), ...box(timeline)} : null,
    bodyFont: parseFloat(getComputedStyle(document.body).fontSize)});
});
</script>
"""


def chromium() -> str | None:
    """The Chromium binary, or None (a failure under CI=true)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed; .ci/run installs it with apt-get")
    return found


def _run(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
    ]
    return subprocess.run(
        [binary, *flags, *args], capture_output=True, text=True, timeout=90, check=False
    )


@cache
def record() -> MatchRecord:
    """A finished match of the default scenario: six seats, eight rounds."""
    sc = scenario("venezuela-2021")
    return record_from_log(sc, play_match(sc, 2021))


def _probe_copy(page: str) -> str:
    """The page plus the probe: laid out at the phone's width, its CSP allowing the probe."""
    page = page.replace(
        "style-src 'unsafe-inline'", "style-src 'unsafe-inline'; script-src 'unsafe-inline'"
    )
    fixed = f"<style>body {{ width: {PHONE_WIDTH}px; }}</style>"
    probe = '<pre id="probe"></pre>' + PROBE % {"width": PHONE_WIDTH}
    return page.replace("</head>", fixed + "</head>").replace("</body>", probe + "</body>")


def _measure(binary: str, tmp_path: Path, page: str) -> dict[str, Any]:
    probe_file = tmp_path / "probe.html"
    probe_file.write_text(_probe_copy(page), encoding="utf-8")
    done = _run(
        binary,
        tmp_path / "profile-probe",
        f"--window-size={PHONE_WIDTH},{PHONE_HEIGHT}",
        "--virtual-time-budget=5000",
        "--dump-dom",
        probe_file.as_uri(),
    )
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert found and found.group(1), f"the probe did not run: {done.stderr[-2000:]}"
    data: dict[str, Any] = json.loads(found.group(1).replace("&amp;", "&").replace("&quot;", '"'))
    return data


def _screenshot(binary: str, tmp_path: Path, page_file: Path, height: int, name: str) -> Path:
    shot = tmp_path / name
    done = _run(
        binary,
        tmp_path / f"profile-{name}",
        f"--window-size={PHONE_WIDTH},{height}",
        f"--screenshot={shot}",
        page_file.as_uri(),
    )
    assert shot.is_file(), f"no screenshot: {done.stderr[-2000:]}"
    keep = os.environ.get("LEVERS_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / name)
    return shot


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = int(hex_colour.lstrip("#"), 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


def test_the_report_reads_on_a_phone(tmp_path: Path) -> None:
    binary = chromium()
    if binary is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    rec = record()
    page = export(scenario("venezuela-2021"), rec, "html").data.decode("utf-8")
    page_file = tmp_path / "report.html"
    page_file.write_text(page, encoding="utf-8")

    seen = _measure(binary, tmp_path, page)
    charts = {c["id"]: c for c in seen["charts"]}
    assert set(charts) == {"chart-scores", "chart-metrics"}
    for chart in charts.values():
        assert chart["decoded"] and chart["shown"] and chart["natural"] == 800
        assert PHONE_WIDTH * 0.8 <= chart["w"] <= PHONE_WIDTH and chart["h"] >= 200
    assert seen["timeline"] is not None and seen["timeline"]["shown"]
    assert seen["timeline"]["h"] > 1000
    assert seen["rounds"] == len(rec.rounds) + 1  # before round 1, then every round
    assert seen["wide"] == []  # nothing sticks out sideways on a phone
    assert seen["bodyFont"] >= 16

    chart = charts["chart-scores"]
    assert chart["y"] + chart["h"] < TALL
    tall = Image.open(_screenshot(binary, tmp_path, page_file, TALL, "report-tall.png"))
    assert tall.size == (PHONE_WIDTH, TALL)
    # The page has no height-dependent styles, so its top is the phone's first screen.
    phone = tmp_path / "report-phone.png"
    tall.crop((0, 0, PHONE_WIDTH, PHONE_HEIGHT)).save(phone)
    keep = os.environ.get("LEVERS_SCREENSHOTS")
    if keep:
        shutil.copy(phone, Path(keep) / phone.name)
    region = tall.convert("RGB").crop(
        (
            int(chart["x"]),
            int(chart["y"]),
            int(chart["x"] + chart["w"]),
            int(chart["y"] + chart["h"]),
        )
    )
    colours = [c for _, c in region.getcolors(maxcolors=1 << 20) or [] if isinstance(c, tuple)]

    def near(target: tuple[int, int, int]) -> bool:
        return any(sum(abs(a - b) for a, b in zip(c, target, strict=True)) <= 30 for c in colours)

    for seat in rec.seats:  # each seat's line is painted on screen, in its colour
        assert near(_rgb(seat.colour)), seat.id
