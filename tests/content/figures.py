"""The figures of docs/balance.md's claims table, from the same arms as the tests.

``python -m tests.content.figures`` prints, for each claim, the arms its test compares (the same
lines, seeds and match counts as ``test_claims.py``, ``test_scores.py``) as mean (se): the gap
and the margin the test requires are in the table of docs/balance.md.
"""

from __future__ import annotations

from collections import Counter

from bot.game.match import MatchLog, final_scores
from bot.game.scoring import outcome_score
from tests.content import test_scores as ts
from tests.content.lines import (
    ARTICLE_GUAIDO_VERSIONS,
    CLING_GUAIDO_VERSIONS,
    MAX_PRESSURE_US,
    MAX_PRESSURE_US_VERSIONS,
    RECOMMENDED_US,
    RECOMMENDED_US_VERSIONS,
)
from tests.content.sim import Sample, after_round, final, sample, scenario, series, times_ordered

N = 60


def show(label: str, *pairs: tuple[str, Sample]) -> None:
    """One line: the label, then each arm's mean and standard error."""
    print(f"{label}: " + "; ".join(f"{name} {s.mean:.1f} ({s.se:.2f})" for name, s in pairs))


def claims() -> None:
    """Claims 1-11, arm by arm."""
    both = series({"us": [["us.military_threat", "us.drug_indictments"]] * 2 + [[]]}, N, 101)
    alone = series({"us": [["us.military_threat"]] * 2 + [[]]}, N, 101)
    hold = series({"us": []}, N, 101)
    m = after_round("regime_cohesion", 2)
    show(
        "1 cohesion r2",
        *((k, sample(v, m)) for k, v in (("both", both), ("threat", alone), ("hold", hold))),
    )
    sanc, hold = series({"us": [["us.oil_sanctions"]]}, N, 202), series({"us": []}, N, 202)
    for metric in ("humanitarian", "regime_cohesion"):
        m = after_round(metric, 2)
        show(f"2 {metric} r2", ("hold", sample(hold, m)), ("sanctions", sample(sanc, m)))
    enforce = series({"us": [["us.fuel_sanctions"]]}, N, 303)
    lift = series({"us": [["us.lift_fuel_sanctions"], []]}, N, 303)
    for metric in ("fuel_supply", "mobilization"):
        show(
            f"3 {metric}",
            ("lift", sample(lift, final(metric))),
            ("enforce", sample(enforce, final(metric))),
        )
    talks = {
        "guaido": [["guaido.join_talks"]],
        "maduro": [["maduro.join_talks"]],
        "eu_lima": [["eu_lima.facilitate_talks"]],
    }
    cut = series({**talks, "us": [[], [], ["us.undercut_talks"]]}, N, 404)
    ran = series({**talks, "us": []}, N, 404)
    for metric in ("negotiation", "opposition_unity", "guaido_support"):
        show(
            f"4 {metric}",
            ("run", sample(ran, final(metric))),
            ("undercut", sample(cut, final(metric))),
        )
    show(
        "4 negotiation r2 vs end (undercut)",
        ("r2", sample(cut, after_round("negotiation", 2))),
        ("end", sample(cut, final("negotiation"))),
    )
    boy = series({"guaido": [["guaido.boycott_elections"]]}, N, 505)
    run = series({"guaido": [["guaido.run_in_elections"]]}, N, 505)
    for metric in ("guaido_support", "opposition_unity", "mobilization", "political_space"):
        show(
            f"5 {metric}",
            ("run", sample(run, final(metric))),
            ("boycott", sample(boy, final(metric))),
        )
    kept = series({"us": [["us.recognize_guaido"]]}, 2 * N, 606)
    gone = series({"us": [["us.withdraw_recognition"], []]}, 2 * N, 606)
    t = times_ordered("guaido.boycott_elections")
    show(
        "6 boycotts per match",
        ("recognition kept", sample(kept, t)),
        ("withdrawn", sample(gone, t)),
    )
    us_eng = {"us": [["us.engage_civil_society"]]}
    e_both = series({**us_eng, "eu_lima": [["eu_lima.engage_broad_opposition"]]}, N, 707)
    e_us = series({**us_eng, "eu_lima": [["eu_lima.facilitate_talks"]]}, N, 707)
    e_one, e_none = series(us_eng, N, 707), series({"us": []}, N, 707)
    u = final("opposition_unity")
    show("7 unity", ("US engages", sample(e_one, u)), ("US holds", sample(e_none, u)))
    show("7 unity", ("EU engages", sample(e_both, u)), ("EU facilitates", sample(e_us, u)))
    ease, hold = series({"us": [["us.ease_oil_sanctions"]]}, N, 808), series({"us": []}, N, 808)
    g = {"maduro": [["maduro.electoral_guarantees"]]}
    traded = series({"us": [["us.relief_for_openings"]], **g}, N, 808)
    openings = series({"us": [], **g}, N, 808)
    for metric in ("humanitarian", "political_space"):
        f = final(metric)
        show(
            f"8 {metric}",
            ("ease", sample(ease, f)),
            ("hold", sample(hold, f)),
            ("traded", sample(traded, f)),
            ("openings only", sample(openings, f)),
        )
    pressure = {"us": ["us.oil_sanctions"], "eu_lima": ["eu_lima.targeted_sanctions"]}
    coord = {"us": ["us.multilateral_diplomacy"], "eu_lima": ["eu_lima.coordinate_with_us"]}

    def line(*parts: dict[str, list[str]]) -> dict[str, list[list[str]]]:
        return {s: [[m for p in parts for m in p[s]]] for s in ("us", "eu_lima")}

    arms = {
        "none": series({"us": [], "eu_lima": []}, N, 909),
        "pressure": series(line(pressure), N, 909),
        "coord": series(line(coord), N, 909),
        "both": series(line(pressure, coord), N, 909),
    }
    for metric in ("regime_cohesion", "negotiation", "tension"):
        show(f"9 {metric}", *((k, sample(v, final(metric))) for k, v in arms.items()))
    no_rescue = series({"us": [["us.renounce_force"]]}, N, 1010)
    rescue = series({"us": [["us.military_threat"]]}, N, 1010)
    t = times_ordered("guaido.join_talks")
    show(
        "10 coalition talks",
        ("force ruled out", sample(no_rescue, t)),
        ("threatened", sample(rescue, t)),
    )
    pressed, free = (
        series({"allies": [["allies.press_negotiation"]]}, N, 1011),
        series({"allies": []}, N, 1011),
    )
    t = times_ordered("maduro.join_talks")
    show("10 Maduro talks", ("allies press", sample(pressed, t)), ("allies hold", sample(free, t)))
    show(
        "10 negotiation",
        ("allies press", sample(pressed, final("negotiation"))),
        ("allies hold", sample(free, final("negotiation"))),
    )
    quiet = [[m for m in ms if m != "us.latino_outreach"] for ms in RECOMMENDED_US]
    q = series({"us": [[*m, "us.back_talks"] for m in quiet]}, N, 1111)
    change, stay = series({"us": RECOMMENDED_US}, N, 1111), series({"us": MAX_PRESSURE_US}, N, 1111)
    s2 = after_round("us_standing", 2)
    show("11 standing r2", ("stay", sample(stay, s2)), ("change", sample(change, s2)))
    low = Sample(tuple(min(r.state.metrics["us_standing"] for r in log.rounds) for log in change))
    show(
        "11 standing",
        ("change end", sample(change, final("us_standing"))),
        ("change low", low),
        ("no-Florida change end", sample(q, final("us_standing"))),
    )
    for metric in ("political_space", "humanitarian"):
        show(
            f"11 {metric}",
            ("change", sample(change, final(metric))),
            ("stay", sample(stay, final(metric))),
        )


def endings(logs: list[MatchLog]) -> str:
    """Endings of the matches, most common first."""
    return ", ".join(f"{k} {v}" for k, v in Counter(log.final.ending for log in logs).most_common())


def lines() -> None:
    """Scores, cohesion, outcome and endings per version of each line (test_scores.py)."""
    scn = scenario()
    for name in (*MAX_PRESSURE_US_VERSIONS, *RECOMMENDED_US_VERSIONS):
        logs = ts.us_line(name)
        maduro = Sample(tuple(final_scores(scn, log)[0]["maduro"] for log in logs))
        shared = Sample(tuple(outcome_score(scn, log.final.metrics) or 0.0 for log in logs))
        show(
            f"US {name}",
            ("Maduro score", maduro),
            ("cohesion", sample(logs, final("regime_cohesion"))),
            ("outcome", shared),
        )
        print(f"  endings: {endings(logs)}")
    for name in (*CLING_GUAIDO_VERSIONS, *ARTICLE_GUAIDO_VERSIONS):
        logs = ts.guaido_line(name)
        show(f"Guaido {name}", ("Guaido score", ts.score("guaido", logs)))


def idle() -> None:
    """How much playing each seat matters: its score with the AI in it against the same seat
    holding (no moves), the AI everywhere else, 40 matches, seed 31, match by match."""
    scn = scenario()
    ai = series({}, 40, 31)
    for seat in scn.seat_ids:
        held = series({seat: []}, 40, 31)
        gain = Sample(
            tuple(
                final_scores(scn, a)[0][seat] - final_scores(scn, h)[0][seat]
                for a, h in zip(ai, held, strict=True)
            )
        )
        show(f"{seat} AI vs idle", ("points gained", gain))


def seats() -> None:
    """Issue 12's two rules, with the arms, seeds and counts of ``test_seats.py``: each fixed
    line's gain over the AI (mean, se, mean + 2 se) and the AI's gain over an idle seat."""
    from tests.content import test_seats as tse

    for seat in scenario().seat_ids:
        for line in [*tse._lines(seat), *tse.retired_lines(seat)]:
            gain = tse._gain_over_ai(seat, line)
            moves = ", ".join(m.split(".")[1] for m in line[0])
            bound = gain.mean + 2 * gain.se
            print(f"{seat} [{moves}]: {gain.mean:+.1f} ({gain.se:.2f}) mean + 2 se {bound:.1f}")
    for seat in scenario().seat_ids:
        show(f"{seat} AI vs idle", ("points gained", tse._gain_over_idle(seat)))


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["idle"]:
        idle()
    elif sys.argv[1:] == ["seats"]:
        seats()
    else:
        claims()
        lines()
