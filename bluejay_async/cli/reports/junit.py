"""The JUnit XML report that Jenkins, GitLab and most CI systems read.

The layout follows the common JUnit XML format (``testsuites`` / ``testsuite`` / ``testcase`` /
``failure`` / ``skipped`` / ``system-out``, with the attributes those tools display):

- one ``<testsuite>`` per run (``name``, ``tests``, ``failures``, ``errors``, ``skipped``,
  ``time``, ``timestamp``, ``hostname``, ``id``, and ``<properties>`` naming the run);
- one ``<testcase>`` per simulated call, named by digital human and scenario, ``classname``
  ``simulation_<id>.run_<id>``, ``time`` = the call's duration in seconds; a missed goal is a
  ``<failure>`` whose text is the goal reasoning; a call without a verdict is ``<skipped>``; the
  result id, status and transcript links are in ``<system-out>``;
- a summary test case ``gate: thresholds`` per report whose ``<failure>`` lists every threshold
  not met, and ``gate: regression against run N`` with the regressions when there is a
  baseline (both pass when there is nothing to report).

Strings from the API are escaped by the XML writer; characters XML 1.0 cannot carry are dropped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timezone

from bluejay_async.cli.reports.model import Case, Report, Suite

__all__ = ["render_junit"]

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _seconds(value: float | None) -> str:
    return f"{value or 0.0:.3f}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _clean(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def _testcase(parent: ET.Element, case: Case) -> None:
    element = _sub(
        parent, "testcase", name=case.name, classname=case.classname, time=_seconds(case.seconds)
    )
    if case.outcome == "missed":
        reasoning = case.reasoning or "no reasoning was given"
        first = " ".join(reasoning.split())
        message = "goal missed: " + (first if len(first) <= 200 else first[:199] + "\u2026")
        _sub(element, "failure", reasoning, message=message, type="GoalMissed")
    elif case.outcome == "no_verdict":
        status = f" (status {case.status})" if case.status else ""
        _sub(element, "skipped", message=f"no goal verdict{status}")
    out = [*case.details, *(f"{label}: {url}" for label, url in case.links)]
    if case.outcome == "met" and case.reasoning:
        out.insert(0, case.reasoning)
    if out:
        _sub(element, "system-out", "\n".join(out))


def _summary_case(
    parent: ET.Element,
    name: str,
    classname: str,
    problems: tuple[str, ...],
    message: str,
    kind: str,
) -> None:
    element = _sub(parent, "testcase", name=name, classname=classname, time=_seconds(0.0))
    if problems:
        _sub(element, "failure", "\n".join(problems), message=message, type=kind)


def _suite(root: ET.Element, index: int, suite: Suite, report: Report, first: bool) -> None:
    cases = list(suite.cases)
    summaries = 0
    if first:
        summaries = 1 + (report.baseline is not None)
    failures = sum(c.outcome == "missed" for c in cases)
    if first:
        failures += (not report.gate_passed) + report.regressed
    element = _sub(
        root,
        "testsuite",
        name=suite.name,
        id=str(index),
        tests=str(len(cases) + summaries),
        failures=str(failures),
        errors="0",
        skipped=str(sum(c.outcome == "no_verdict" for c in cases)),
        time=_seconds(sum(c.seconds or 0.0 for c in cases)),
        hostname="bluejay-async",
    )
    if suite.timestamp is not None:
        # JUnit timestamps carry no zone: the run's moment in UTC.
        moment = suite.timestamp.astimezone(timezone.utc)
        element.set("timestamp", moment.strftime("%Y-%m-%dT%H:%M:%S"))
    properties = _sub(element, "properties")
    for name, value in suite.properties:
        _sub(properties, "property", name=name, value=value)
    for case in cases:
        _testcase(element, case)
    if first:
        classname = cases[0].classname if cases else "gate"
        n = len(report.failures)
        _summary_case(
            element,
            "gate: thresholds",
            classname,
            report.failures,
            f"{n} of {len(report.checks)} thresholds not met",
            "ThresholdNotMet",
        )
        if report.baseline is not None:
            _summary_case(
                element,
                f"gate: regression against {report.baseline}",
                classname,
                report.regressions,
                f"regressed against {report.baseline}",
                "Regression",
            )


def render_junit(report: Report) -> str:
    """The report as a JUnit XML document (UTF-8 text with an XML declaration)."""
    root = ET.Element("testsuites", {"name": _clean(f"{report.product} gate: {report.title}")})
    suites = report.suites or (
        Suite(id="0", name=report.title, timestamp=None, properties=(), cases=()),
    )
    for index, suite in enumerate(suites):
        _suite(root, index, suite, report, first=index == 0)
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    time = 0.0
    for element in root.iter("testsuite"):
        for key in totals:
            totals[key] += int(element.get(key, "0"))
        time += float(element.get("time", "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", _seconds(time))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
