"""Judged runs for the report tests: real sandbox runs, and the schema JUnit readers expect."""

from __future__ import annotations

from typing import Any

import attrs

from bluejay_async import BluejayClient
from bluejay_async.models import SimulationResults
from bluejay_async.sandbox import SandboxConfig, run_sandbox
from cognigy_async import CognigyClient
from cognigy_async.models import Run
from tests.loops import run_apart

HOSTILE = '<script>alert("x")</script> & <b>bold</b> | *not* [a](javascript:alert(1))'
EVIL_URL = "javascript:alert(document.cookie)"

# The JUnit XML format as Jenkins (junit-10.xsd) and GitLab read it, stated here so that the
# reports are checked against the documented shape rather than against what the writer emits:
# testsuites > testsuite > (properties?, testcase*, system-out?, system-err?); a testcase holds
# skipped / error / failure elements, then system-out / system-err.
JUNIT_XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">
  <xs:simpleType name="seconds">
    <xs:restriction base="xs:decimal"><xs:minInclusive value="0"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="localTimestamp">
    <xs:restriction base="xs:dateTime">
      <xs:pattern value="[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:complexType name="problem" mixed="true">
    <xs:attribute name="message" type="xs:string"/>
    <xs:attribute name="type" type="xs:string"/>
  </xs:complexType>
  <xs:element name="testsuites">
    <xs:complexType>
      <xs:sequence>
        <xs:element ref="testsuite" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence>
      <xs:attribute name="name" type="xs:string"/>
      <xs:attribute name="tests" type="xs:nonNegativeInteger"/>
      <xs:attribute name="failures" type="xs:nonNegativeInteger"/>
      <xs:attribute name="errors" type="xs:nonNegativeInteger"/>
      <xs:attribute name="skipped" type="xs:nonNegativeInteger"/>
      <xs:attribute name="disabled" type="xs:nonNegativeInteger"/>
      <xs:attribute name="time" type="seconds"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="testsuite">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="properties" minOccurs="0">
          <xs:complexType>
            <xs:sequence>
              <xs:element name="property" minOccurs="0" maxOccurs="unbounded">
                <xs:complexType>
                  <xs:attribute name="name" type="xs:string" use="required"/>
                  <xs:attribute name="value" type="xs:string" use="required"/>
                </xs:complexType>
              </xs:element>
            </xs:sequence>
          </xs:complexType>
        </xs:element>
        <xs:element ref="testcase" minOccurs="0" maxOccurs="unbounded"/>
        <xs:element name="system-out" type="xs:string" minOccurs="0"/>
        <xs:element name="system-err" type="xs:string" minOccurs="0"/>
      </xs:sequence>
      <xs:attribute name="name" type="xs:string" use="required"/>
      <xs:attribute name="tests" type="xs:nonNegativeInteger" use="required"/>
      <xs:attribute name="failures" type="xs:nonNegativeInteger"/>
      <xs:attribute name="errors" type="xs:nonNegativeInteger"/>
      <xs:attribute name="skipped" type="xs:nonNegativeInteger"/>
      <xs:attribute name="disabled" type="xs:nonNegativeInteger"/>
      <xs:attribute name="time" type="seconds"/>
      <xs:attribute name="timestamp" type="localTimestamp"/>
      <xs:attribute name="hostname" type="xs:string"/>
      <xs:attribute name="id" type="xs:string"/>
      <xs:attribute name="package" type="xs:string"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="testcase">
    <xs:complexType>
      <xs:sequence>
        <xs:choice minOccurs="0" maxOccurs="unbounded">
          <xs:element name="skipped" type="problem"/>
          <xs:element name="error" type="problem"/>
          <xs:element name="failure" type="problem"/>
        </xs:choice>
        <xs:element name="system-out" type="xs:string" minOccurs="0" maxOccurs="unbounded"/>
        <xs:element name="system-err" type="xs:string" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence>
      <xs:attribute name="name" type="xs:string" use="required"/>
      <xs:attribute name="classname" type="xs:string" use="required"/>
      <xs:attribute name="time" type="seconds" use="required"/>
      <xs:attribute name="assertions" type="xs:string"/>
      <xs:attribute name="status" type="xs:string"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""


async def _queued_runs() -> tuple[SimulationResults, SimulationResults]:
    config = SandboxConfig(run_seconds=0)
    async with (
        run_sandbox(config) as sb,
        BluejayClient(api_key=sb.api_key, base_url=sb.bluejay_url) as bj,
    ):
        sb.state.goal_success_rate = 1.0
        good = await bj.runs.queue(1, runs_per_digital_human=2)
        sb.state.goal_success_rate = 0.4
        bad = await bj.runs.queue(1, runs_per_digital_human=2)
        return (
            await bj.runs.wait(good.simulation_run_id),
            await bj.runs.wait(bad.simulation_run_id),
        )


async def _cognigy_runs() -> list[Run]:
    async with (
        run_sandbox(SandboxConfig(cognigy_runs_per_batch=60)) as sb,
        CognigyClient(api_key=sb.api_key, base_url=sb.cognigy_url) as cg,
    ):
        return [run async for run in cg.runs.iterate("sim-1", "batch-1", project_id="p1")]


def cognigy_runs() -> list[Run]:
    """The 60 runs of a sandbox Cognigy batch."""
    return run_apart(_cognigy_runs())


def queued_runs() -> tuple[SimulationResults, SimulationResults]:
    """A good run and a regressed run of simulation 1 (20 calls each, same digital humans)."""
    return run_apart(_queued_runs())


def with_hostile_text(results: SimulationResults) -> SimulationResults:
    """The run with a hostile goal reasoning and transcript URL on its first missed result."""
    changed = []
    done = False
    for result in results.simulation_results:
        evaluation = result.evaluations[-1] if result.evaluations else None
        missed = evaluation is not None and False in (
            evaluation.human_goal_success,
            evaluation.goal_success if evaluation.human_goal_success is None else None,
        )
        if not done and evaluation is not None and missed:
            evaluation = attrs.evolve(
                evaluation, goal_reasoning=HOSTILE, human_goal_reasoning=HOSTILE
            )
            result = attrs.evolve(
                result, evaluations=[*result.evaluations[:-1], evaluation], transcript_url=EVIL_URL
            )
            done = True
        changed.append(result)
    assert done, "the run has no missed goal"
    return attrs.evolve(results, simulation_results=changed)


async def queue_and_wait(
    config: SandboxConfig, simulation_id: int = 1, **queue: Any
) -> SimulationResults:
    """What ``run SIMULATION_ID --sandbox`` sees with this sandbox config: the sandbox is
    deterministic, so the same config queues the same run with the same results."""
    async with (
        run_sandbox(config) as sb,
        BluejayClient(api_key=sb.api_key, base_url=sb.bluejay_url) as bj,
    ):
        queued = await bj.runs.queue(simulation_id, **queue)
        return await bj.runs.wait(queued.simulation_run_id)
