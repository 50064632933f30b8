"""The report writers on real sandbox runs: JUnit read back by junitparser and checked against
the documented schema, the HTML page parsed (its charts' data against the summary, every API
string escaped), the Markdown summary, and the console text."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from junitparser import Failure, JUnitXml, Skipped

from bluejay_async.cli.reports.charts import bins
from bluejay_async.cli.reports.console import render_console
from bluejay_async.cli.reports.from_bluejay import bluejay_report
from bluejay_async.cli.reports.from_cognigy import cognigy_report
from bluejay_async.cli.reports.html import render_html
from bluejay_async.cli.reports.junit import render_junit
from bluejay_async.cli.reports.markdown import escape_markdown, render_markdown
from bluejay_async.cli.reports.model import Report
from bluejay_async.models import SimulationResults
from bluejay_async.report import RegressionLimits, Thresholds, compare, gate, summarize
from cognigy_async import report as cognigy

from .judge_data import (
    EVIL_URL,
    HOSTILE,
    JUNIT_XSD,
    cognigy_runs,
    queued_runs,
    with_hostile_text,
)

THRESHOLDS = Thresholds(
    min_goal_success_rate=0.9, max_p95_latency_ms=2500.0, max_hallucination_rate=0.5
)
LIMITS = RegressionLimits(max_goal_success_drop=0.05, max_flipped_to_missed=0)


@pytest.fixture(scope="module")
def runs() -> tuple[SimulationResults, SimulationResults]:
    good, bad = queued_runs()
    return good, with_hostile_text(bad)


@pytest.fixture(scope="module")
def judged(runs: tuple[SimulationResults, SimulationResults]) -> tuple[Report, Any, Any]:
    good, bad = runs
    verdict = gate(summarize(bad), THRESHOLDS)
    comparison = compare(summarize(good), verdict.summary, LIMITS)
    return bluejay_report(verdict, comparison), verdict, comparison


@pytest.fixture(scope="module")
def cognigy_judged() -> tuple[Report, Any]:
    runs = cognigy_runs()
    verdict = cognigy.gate(cognigy.summarize(runs), cognigy.CognigyThresholds(min_success_rate=0.9))
    return cognigy_report(verdict), verdict


# --- JUnit ------------------------------------------------------------------------------------


def _junit(tmp_path: Path, report: Report) -> Path:
    path = tmp_path / "junit.xml"
    path.write_text(render_junit(report), encoding="utf-8")
    return path


def test_junit_follows_the_documented_schema(
    tmp_path: Path, judged: tuple[Report, Any, Any]
) -> None:
    path = _junit(tmp_path, judged[0])
    xmlschema.XMLSchema(JUNIT_XSD).validate(str(path))


def test_junit_has_a_testcase_per_result_and_the_gate_as_summary_cases(
    tmp_path: Path, judged: tuple[Report, Any, Any]
) -> None:
    report, verdict, comparison = judged
    summary = verdict.summary
    xml = JUnitXml.fromfile(str(_junit(tmp_path, report)))
    suites = list(xml)

    assert len(suites) == 1
    suite = suites[0]
    run = summary.runs[0]
    assert suite.name == f"run {run.run_id} of simulation 1"
    cases = list(suite)
    results, gate_cases = cases[: summary.total], cases[summary.total :]
    assert [c.name for c in gate_cases] == [
        "gate: thresholds",
        f"gate: regression against run {comparison.baseline.runs[0].run_id}",
    ]
    assert len({c.name for c in results}) == summary.total
    for case, result in zip(results, summary.results, strict=True):
        assert str(result.digital_human_id) in case.name
        assert result.scenario is not None
        assert result.scenario in case.name
        assert case.classname == f"simulation_1.run_{run.run_id}"
        assert case.time == pytest.approx(result.call_duration_s or 0.0, abs=1e-3)
        failures = [r for r in case.result if isinstance(r, Failure)]
        skipped = [r for r in case.result if isinstance(r, Skipped)]
        assert bool(failures) == (result.goal is False)
        assert bool(skipped) == (result.goal is None)
        if failures:
            assert failures[0].text == result.goal_reasoning
            assert failures[0].type == "GoalMissed"
    thresholds_case, regression_case = gate_cases
    assert [r.text for r in thresholds_case.result] == ["\n".join(verdict.failures)]
    assert [r.text for r in regression_case.result] == ["\n".join(comparison.regressions)]
    missed = len(summary.failed_results)
    assert suite.tests == summary.total + 2
    assert suite.failures == missed + 2
    assert suite.skipped == summary.no_verdict
    assert suite.time == pytest.approx(sum(r.call_duration_s or 0 for r in summary.results))
    assert (xml.tests, xml.failures) == (suite.tests, suite.failures)


def test_hostile_text_round_trips_through_junit(
    tmp_path: Path, judged: tuple[Report, Any, Any]
) -> None:
    xml = JUnitXml.fromfile(str(_junit(tmp_path, judged[0])))
    texts = [r.text for suite in xml for case in suite for r in case.result]
    assert HOSTILE in texts


def test_a_passing_gate_has_passing_summary_cases(
    tmp_path: Path, runs: tuple[SimulationResults, SimulationResults]
) -> None:
    report = bluejay_report(gate(summarize(runs[0]), Thresholds(min_goal_success_rate=0.5)))
    path = _junit(tmp_path, report)
    xmlschema.XMLSchema(JUNIT_XSD).validate(str(path))
    (suite,) = JUnitXml.fromfile(str(path))
    (gate_case,) = [c for c in suite if c.name == "gate: thresholds"]
    assert gate_case.is_passed


def test_cognigy_junit(tmp_path: Path, cognigy_judged: tuple[Report, Any]) -> None:
    report, verdict = cognigy_judged
    path = _junit(tmp_path, report)
    xmlschema.XMLSchema(JUNIT_XSD).validate(str(path))
    (suite,) = JUnitXml.fromfile(str(path))
    cases = list(suite)
    assert suite.name == "batch batch-1 of simulation sim-1"
    assert len(cases) == verdict.summary.total + 1
    failed = [c for c in cases[:-1] if not c.is_passed and not c.is_skipped]
    assert len(failed) == len(verdict.summary.failed_runs)


# --- HTML ---------------------------------------------------------------------------------------


class Page(HTMLParser):
    """Every element with its attributes, and the text, of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, cls: str | None = None) -> list[dict[str, str | None]]:
        return [
            a
            for t, a in self.elements
            if t == tag and (cls is None or cls in (a.get("class") or "").split())
        ]


def _page(report: Report) -> Page:
    page = Page()
    page.feed(render_html(report, generated=datetime(2026, 1, 2, tzinfo=timezone.utc)))
    page.close()
    return page


def test_the_page_is_self_contained_and_escapes_api_text(judged: tuple[Report, Any, Any]) -> None:
    page = _page(judged[0])
    tags = {t for t, _ in page.elements}

    assert "script" not in tags
    assert "link" not in tags
    assert "iframe" not in tags
    assert not [a for _, a in page.elements if "src" in a or any(k.startswith("on") for k in a)]
    (csp,) = [a for t, a in page.elements if a.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in (csp["content"] or "")
    assert HOSTILE in "".join(page.text)  # shown as text, not markup
    hrefs = [a["href"] for a in page.find("a")]
    assert hrefs
    assert all(h and h.startswith("https://") for h in hrefs)
    assert EVIL_URL in "".join(page.text)  # shown, never linked


def test_the_verdict_and_metric_rows(judged: tuple[Report, Any, Any]) -> None:
    report, verdict, comparison = judged
    page = _page(report)
    (section,) = page.find("section", "verdict")
    assert section["data-passed"] == "false"
    text = " ".join("".join(page.text).split())
    assert report.headline in text
    for sentence in (*verdict.failures, *comparison.regressions):
        assert " ".join(sentence.split()) in text
    rows = [a["data-metric"] for a in page.find("tr") if "data-metric" in a]
    assert rows[:2] == ["goal_success_rate", "hallucination_rate"]
    assert {c.metric for c in verdict.checks} <= set(rows)


def test_histograms_match_the_summary(judged: tuple[Report, Any, Any]) -> None:
    summary = judged[1].summary
    page = _page(judged[0])
    charts = {a["data-metric"]: a for a in page.find("svg", "histogram")}
    per_result = {
        "p95_latency_ms": ([r.p95_latency_ms for r in summary.results], summary.latency_p95),
        "call_duration_s": ([r.call_duration_s for r in summary.results], summary.call_duration),
    }
    all_bars = page.find("rect", "bar")
    assert set(charts) == set(per_result)
    offset = 0
    for metric, (values, dist) in per_result.items():
        chart = charts[metric]
        present = [v for v in values if v is not None]
        assert int(chart["data-count"] or -1) == dist.count == len(present)
        assert int(chart["data-missing"] or -1) == dist.missing
        assert float(chart["data-p50"] or "nan") == pytest.approx(dist.p50)
        assert float(chart["data-p95"] or "nan") == pytest.approx(dist.p95)
        expected = bins(present)
        bars = all_bars[offset : offset + len(expected)]
        offset += len(expected)
        assert sum(int(b["data-count"] or 0) for b in bars) == dist.count
        for index, bar in enumerate(bars):
            low, high = float(bar["data-low"] or "nan"), float(bar["data-high"] or "nan")
            last = index == len(bars) - 1
            inside = [v for v in present if low <= v and (v < high or (last and v <= high))]
            assert int(bar["data-count"] or -1) == len(inside)
    assert offset == len(all_bars)


def test_goal_success_by_digital_human_matches_the_results(judged: tuple[Report, Any, Any]) -> None:
    summary = judged[1].summary
    page = _page(judged[0])
    groups = page.find("g", "group")
    expected: Counter[tuple[int | None, str]] = Counter(
        (r.digital_human_id, r.outcome) for r in summary.results
    )
    seen: Counter[tuple[int | None, str]] = Counter()
    for group in groups:
        match = re.search(r"\d+", group["data-label"] or "")
        human = int(match.group()) if match else None
        for outcome, attr in (("met", "data-met"), ("missed", "data-missed"),
                              ("no_verdict", "data-no-verdict")):  # fmt: skip
            if int(group[attr] or 0):
                seen[(human, outcome)] += int(group[attr] or 0)
    assert seen == expected
    assert len(groups) == len({r.digital_human_id for r in summary.results})


def test_the_failed_results_are_listed_with_reasoning(judged: tuple[Report, Any, Any]) -> None:
    summary = judged[1].summary
    page = _page(judged[0])
    listed = [a["data-id"] for a in page.find("article", "result") if "data-id" in a]
    assert listed == [str(r.result_id) for r in summary.failed_results]


def test_cognigy_page(cognigy_judged: tuple[Report, Any]) -> None:
    report, verdict = cognigy_judged
    page = _page(report)
    charts = {a["data-metric"]: a for a in page.find("svg", "histogram")}
    assert int(charts["duration_s"]["data-count"] or -1) == verdict.summary.duration.count
    assert int(charts["turns"]["data-count"] or -1) == verdict.summary.turns.count
    criteria = Counter((c.type, c.success) for r in verdict.summary.runs for c in r.criteria)
    groups = {g["data-label"]: g for g in page.find("g", "group")}
    for (kind, success), n in criteria.items():
        attr = "data-met" if success else "data-missed" if success is False else "data-no-verdict"
        assert int(groups[kind][attr] or 0) == n


def test_bins_cover_every_value() -> None:
    assert bins([]) == []
    assert bins([5.0, 5.0]) == [(5.0, 5.0, 2)]
    found = bins([0.1, 0.2, 0.3, 1.0, 9.99, 10.0])
    assert sum(n for *_, n in found) == 6
    assert found[0][0] <= 0.1
    assert found[-1][1] >= 10.0
    assert all(hi > lo for lo, hi, _ in found)


# --- Markdown and console -------------------------------------------------------------------------


def test_markdown_summary(judged: tuple[Report, Any, Any]) -> None:
    report, verdict, comparison = judged
    text = render_markdown(report)
    lines = text.splitlines()

    assert lines[0].startswith("## \u274c Bluejay gate failed: run ")
    assert "<script>" not in text
    assert re.search(r"(?<!\\)\]\(<?javascript:", text) is None  # no live link
    assert escape_markdown(HOSTILE) in text
    assert "&lt;script&gt;" in escape_markdown(HOSTILE)
    table = [line for line in lines if line.startswith("| ")]
    assert table[0].startswith("| Metric | Value | Threshold | | Baseline (run ")
    assert any(row.startswith("| goal success rate | ") and "\u274c" in row for row in table)
    missed = [line for line in lines if line.startswith("- **")]
    assert len(missed) >= len(verdict.summary.failed_results)
    links = re.findall(r"\]\(<([^>]*)>\)", text)
    assert links
    assert all(link.startswith("https://") for link in links)
    assert f"### Met their goal in {escape_markdown(report.baseline or '')}" in text
    assert len(comparison.flipped_to_missed) > 0


def test_escape_markdown_keeps_text_on_one_line() -> None:
    assert escape_markdown("a\nb | c *d* [e](f) `g` <h>") == (
        r"a b \| c \*d\* \[e\](f) \`g\` &lt;h&gt;"
    )


def test_console_ends_with_the_verdict(judged: tuple[Report, Any, Any]) -> None:
    report, verdict, comparison = judged
    plain = render_console(report)
    colored = render_console(report, color=True)

    assert plain.splitlines()[-1] == report.headline
    baseline = comparison.baseline.runs[0].run_id
    assert report.headline == (
        f"FAILED: {len(verdict.failures)} of 3 thresholds not met; "
        f"regressed against run {baseline} ({len(comparison.regressions)} limits)"
    )
    assert "\x1b[" not in plain
    assert colored.splitlines()[-1] == f"\x1b[31m{report.headline}\x1b[0m"
