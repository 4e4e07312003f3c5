"""The chart of a fork's two arms (``/match whatif``)."""

from __future__ import annotations

from bot.game.fork import Changes, fork, fork_report, stored_from_log
from bot.game.match import play_match
from bot.review.charts import fork_chart, fork_metrics
from bot.scenarios import read_scenario

PNG = b"\x89PNG\r\n\x1a\n"


def test_a_fork_chart_shows_both_arms_and_the_metrics_it_moved() -> None:
    scenario = read_scenario("tutorial")[0]
    stored = stored_from_log(play_match(scenario, 4))
    report = fork_report(
        scenario, fork(scenario, stored, 1, 5, Changes(policies={"upstream": "hold"})), 3
    )
    chart = fork_chart(scenario, report, "match-3-fork-1")
    assert chart.filename == "match-3-fork-1.png" and chart.png.startswith(PNG)
    assert "5 seeds from round 1" in chart.alt
    moved = fork_metrics(scenario, report, 6)
    assert moved and all(report["delta"]["metrics"][m] != 0 for m in moved)
    assert moved == [m.id for m in scenario.metrics if m.id in moved], "in scenario order"
    same = fork_report(scenario, fork(scenario, stored, 1, 2, Changes()), 3)
    assert fork_metrics(scenario, same, 6) == [], "a fork that changes nothing moves nothing"
    assert fork_chart(scenario, same, "same").png.startswith(PNG)
