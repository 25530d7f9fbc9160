"""Budgets on the real pipeline: each threshold alerts once per period, whatever reruns and outages do."""

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import dagster as dg
import pytest

from mission_pipeline.definitions import defs
from mission_pipeline_tests.defs.budgets.webhook_server import Webhook, webhook_server
from mission_pipeline_tests.defs.project import ProjectRuns

DAY = "2026-11-27"
EVENING = "2026-11-27T20:00:00+00:00"  # when the usage day is judged


@pytest.fixture
def webhook(project: ProjectRuns) -> Iterator[Webhook]:
    with webhook_server() as hook:
        project.resources.alert_webhook_url = hook.url
        project.resources.as_of = EVENING
        yield hook


def spent_by(project: ProjectRuns, agent: str) -> Decimal:
    (row,) = project.query(
        "select total_cost from agent_usage where agent_id = %s and date = %s", (agent, DAY)
    )
    return Decimal(row[0])


def thresholds(webhook: Webhook) -> list[float]:
    """The budget alerts the webhook received, by the share they are about."""
    return [alert["threshold"] for alert in webhook.received if "threshold" in alert]


def set_budget(project: ProjectRuns, agent: str | None, period: str, limit: Decimal) -> None:
    project.query(
        "insert into usage_budgets (agent_id, period, limit_usd) values (%s, %s, %s)"
        " on conflict (agent_id, period) do update set limit_usd = excluded.limit_usd",
        (agent, period, limit),
    )


def double_max_transcripts(state: Path) -> None:
    """max's transcripts restored from a backup under new ids: each of max's calls of the day twice."""
    sessions = state / "agents" / "max" / "sessions"
    for n, original in enumerate(p for p in sorted(sessions.glob("*.jsonl")) if ".trajectory" not in p.name):
        lines = [json.loads(raw) for raw in original.read_text().splitlines()]
        for line in lines:
            if isinstance(line.get("message"), dict) and line["message"].get("responseId"):
                line["message"]["responseId"] += "-restored"
        restored = sessions / f"0f0f0f0f-1111-4222-8333-{n:012d}.jsonl"
        restored.write_text("".join(json.dumps(line) + "\n" for line in lines))


def test_crossing_80_then_100_percent_in_a_day_sends_two_alerts_and_reruns_none(
    project: ProjectRuns, webhook: Webhook
) -> None:
    state = project.use_sample("v2026.5.28")
    assert project.run("usage_job", partition=DAY).success
    before = spent_by(project, "max")
    set_budget(project, "max", "day", (before / Decimal("0.85")).quantize(Decimal("0.0000000001")))
    assert project.run("budget_job").success
    assert thresholds(webhook) == [0.8]

    double_max_transcripts(state)  # later that day, max spends as much again
    assert project.run("usage_job", partition=DAY).success
    assert spent_by(project, "max") > before * Decimal("1.5")
    assert project.run("budget_job").success
    assert thresholds(webhook) == [0.8, 1.0]
    assert webhook.received[1]["agent_id"] == "max" and webhook.received[1]["period_start"] == DAY
    assert webhook.received[1]["link"] == "http://dagster.test/assets/usage_budget_status"

    # The day rerun, the month backfilled, the budget job again: nothing more is sent.
    assert project.run("usage_job", partition=DAY).success
    assert project.run("usage_job", partition_range=("2026-11-01", DAY)).success
    assert project.run("budget_job").success
    assert project.run("budget_job").success
    assert len(webhook.received) == 2
    (status,) = project.query("select share_used, thresholds_crossed from usage_budget_status")
    assert status[0] > 1 and [float(t) for t in status[1]] == [0.8, 1.0]


def test_a_webhook_down_for_an_hour_loses_no_alert_and_duplicates_none(
    project: ProjectRuns, webhook: Webhook
) -> None:
    project.use_sample("v2026.9.6")
    assert project.run("usage_job", partition=DAY).success
    set_budget(project, None, "month", Decimal("0.0001"))  # every agent together, long over
    webhook.down = True
    for minute in ("00", "20", "40"):
        project.resources.as_of = f"2026-11-27T20:{minute}:00+00:00"
        assert project.run("budget_job").success
    assert webhook.received == []
    pending = project.query(
        "select alert_key, attempts from mission_pipeline.alert_outbox where sent_at is null"
    )
    assert sorted(key for key, _ in pending) == ["budget:1:2026-11-01:0.8", "budget:1:2026-11-01:1"]
    assert {attempts for _, attempts in pending} == {3}

    webhook.down = False
    project.resources.as_of = "2026-11-27T21:00:00+00:00"
    assert project.run("budget_job").success
    assert project.run("budget_job").success
    assert sorted(thresholds(webhook)) == [0.8, 1.0]


def test_a_budget_changed_in_the_table_applies_on_the_next_run(
    project: ProjectRuns, webhook: Webhook
) -> None:
    project.use_sample("v2026.9.6")
    assert project.run("usage_job", partition=DAY).success
    set_budget(project, "main", "month", Decimal("1000000"))
    assert project.run("budget_job").success
    assert project.query("select limit_usd, thresholds_crossed from usage_budget_status") == [
        (Decimal("1000000"), [])
    ]
    spent = spent_by(project, "main")
    set_budget(project, "main", "month", spent / 2)
    assert project.run("budget_job").success
    ((limit, crossed),) = project.query("select limit_usd, thresholds_crossed from usage_budget_status")
    assert limit == (spent / 2).quantize(Decimal("0.0000000001")) and len(crossed) == 2
    assert len(thresholds(webhook)) == 2
    # A budget removed from the table leaves the status table on the next run.
    project.query("delete from usage_budgets")
    assert project.run("budget_job").success
    assert project.query("select count(*) from usage_budget_status") == [(0,)]


def test_a_past_period_never_alerts(project: ProjectRuns, webhook: Webhook) -> None:
    project.use_sample("v2026.9.6")
    assert project.run("usage_job", partition=DAY).success
    set_budget(project, "main", "day", Decimal("0.0001"))
    # Judged on the next day: November 27 is over, its overspend is history, not an alert.
    project.resources.as_of = "2026-11-28T09:00:00+00:00"
    assert project.run("budget_job").success
    assert webhook.received == []
    ((start, spent),) = project.query("select period_start::text, spent_usd from usage_budget_status")
    assert (start, spent) == ("2026-11-28", Decimal(0))


def test_an_unusual_day_warns_once(project: ProjectRuns, webhook: Webhook) -> None:
    project.use_sample("v2026.9.6")
    assert project.run("usage_job", partition=DAY).success
    spent = spent_by(project, "main")
    # Fourteen ordinary days before it, each a fifth of the day's spend (far above the $1 floor).
    normal = max(spent / 5, Decimal("1.5"))
    project.query(
        "insert into agent_usage (agent_id, date, total_cost) select 'main', d::date, %s"
        " from generate_series(%s::date - 14, %s::date - 1, interval '1 day') d",
        (normal, DAY, DAY),
    )
    project.query(
        "update agent_usage set total_cost = %s where agent_id = 'main' and date = %s", (normal * 4, DAY)
    )
    assert project.run("budget_job").success
    assert project.run("budget_job").success
    assert [(a["agent_id"], a["day"]) for a in webhook.received] == [("main", DAY)]


def test_every_write_of_agent_usage_asks_for_one_budget_run(project: ProjectRuns) -> None:
    project.use_sample("v2026.9.6")
    assert project.run("usage_job", partition=DAY).success
    context = dg.build_sensor_context(instance=project.instance, definitions=defs)
    sensor = defs.get_sensor_def("budget_sensor")
    assert sensor.job_name == "budget_job"
    first = sensor.evaluate_tick(context)
    assert len(first.run_requests or []) == 1
    # Nothing new written: nothing asked.
    again = dg.build_sensor_context(instance=project.instance, cursor=first.cursor, definitions=defs)
    assert not sensor.evaluate_tick(again).run_requests
