"""The operator's path through the Dagster UI, in headless Chromium, against `dagster dev` and the 9.6 sample.

Asset graph, a backfill of usage days launched from the UI, partitions turning green and rows landing
in Postgres, a rerun of a day that leaves the rows as they were, and a materialization's per-agent
table and cost plot. Each step leaves a screenshot in test-artifacts/browser/.
"""

import datetime as dt
import re
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, Playwright, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from psycopg.rows import dict_row

from mission_pipeline_tests.browser.conftest import ARTIFACTS, CHROMIUM_ARGS, DagsterDev
from mission_pipeline_tests.conftest import usage_check

pytestmark = [pytest.mark.browser, pytest.mark.timeout(1200)]

SAMPLE_DAY = dt.date(2026, 11, 27)  # every call of the 2026.9.6 sample happened on this UTC day
DAYS = [SAMPLE_DAY - dt.timedelta(days=2), SAMPLE_DAY - dt.timedelta(days=1), SAMPLE_DAY]
AGENTS = ["amber", "atlas", "dash", "main", "max"]
UI_TIMEOUT_MS = 60_000
FINAL_FAILURES = {"Failed", "Failure", "Canceled", "Cancelled", "Completed with failures"}
MATERIALIZE_ALL = re.compile(r"Materialize all")
RUN_STATUSES = re.compile(r"^(Queued|Not started|Starting|Started|Success|Failure|Canceling|Canceled)$")
RUN_TIMEOUT_S = 300.0
LOCATION = "mission_pipeline"
USAGE_JOB = "usage_job"  # openclaw_usage_events, then agent_usage_by_model and agent_usage


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright, chromium: Any) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1600, "height": 1100})
    context.set_default_timeout(UI_TIMEOUT_MS)
    opened = context.new_page()
    # Dagster's one-time "Join the community" dialog appears on a fresh DAGSTER_HOME: dismiss it.
    opened.add_locator_handler(
        opened.get_by_role("button", name="Skip", exact=True),
        lambda skip: skip.click(),
    )
    yield opened
    context.close()


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def usage_rows(server: DagsterDev) -> list[dict[str, Any]]:
    """Every agent_usage row of the backfilled days, all columns (ids and timestamps too), in order."""
    with server.warehouse().connect() as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "select * from agent_usage where date between %s and %s order by agent_id, date",
            (DAYS[0], DAYS[-1]),
        )
        return cur.fetchall()


def wait_for_status(page: Page, status: Locator, done: str, timeout: float) -> None:
    """Wait until `status` (a run's or backfill's status tag) reads `done`; fail on any final other word."""
    deadline = time.monotonic() + timeout
    last_reload = time.monotonic()
    shown = ""
    while time.monotonic() < deadline:
        shown = status.inner_text().strip() if status.count() else ""
        if shown == done:
            return
        if shown in FINAL_FAILURES:
            pytest.fail(f"{page.url} shows {shown!r}:\n{page.inner_text('body')[:2000]}")
        if time.monotonic() - last_reload > 30:  # the page polls by itself; a reload is a fallback
            page.reload()
            last_reload = time.monotonic()
        page.wait_for_timeout(2000)
    pytest.fail(f"{page.url} still shows {shown!r} after {timeout:.0f}s:\n{page.inner_text('body')[:2000]}")


def backfill_status(page: Page) -> Locator:
    """The tag next to the "Status" label of a backfill page."""
    return page.locator("xpath=//div[normalize-space(text())='Status']/following-sibling::div[1]").first


def run_status(page: Page) -> Locator:
    """The status tag in a run page's header."""
    return page.get_by_text(RUN_STATUSES, exact=True).first


def dismiss_welcome_dialog(page: Page) -> None:
    """Dagster's "Join the community" dialog opens once per DAGSTER_HOME, shortly after the first page."""
    skip = page.get_by_role("button", name="Skip", exact=True)
    try:
        skip.wait_for(timeout=10_000)
        skip.click(timeout=5_000)  # the page's locator handler may get there first
    except PlaywrightTimeoutError:
        return  # not shown (or the page's locator handler already dismissed it)


def expand_all_groups(page: Page) -> None:
    """The asset graph's settings menu -> "Expand all groups" (retried: a late dialog closes menus)."""
    for _attempt in range(3):
        page.get_by_role("button", name="settings", exact=True).click()
        item = page.get_by_role("menuitem", name=re.compile(r"(Expand|Collapse) all groups"))
        try:
            item.wait_for(timeout=10_000)
            if "Expand" in item.inner_text():
                item.click(timeout=10_000)
            else:
                page.keyboard.press("Escape")
            return
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    pytest.fail('the asset graph\'s settings menu did not offer "Expand all groups"')


def open_launch_dialog(page: Page, server: DagsterDev, partitions: str) -> Any:
    """The usage job's "Materialize all" dialog with `partitions` typed into its partition selector."""
    page.goto(f"{server.url}/locations/{LOCATION}/jobs/{USAGE_JOB}")
    page.get_by_role("button", name=MATERIALIZE_ALL).click()
    dialog = page.get_by_role("dialog")
    selector = dialog.get_by_role("textbox").first
    expect(selector).to_be_visible()
    show_all = dialog.get_by_role("button", name="Show all partitions")
    if show_all.is_visible():  # the dialog offers the last 90 days first; the sample day may be older
        show_all.click()
    selector.fill(partitions)
    selector.press("Enter")
    return dialog


def test_operator_flow_in_the_dagster_ui(dagster_dev: DagsterDev, page: Page) -> None:
    from mission_pipeline.definitions import defs

    if dt.datetime.now(dt.UTC).date() < SAMPLE_DAY:
        pytest.skip(f"the sample's usage day {SAMPLE_DAY} is not a partition yet on this machine's clock")
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    server = dagster_dev

    # 1. The asset graph shows every asset of the project.
    assets = sorted(key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys())
    page.set_viewport_size({"width": 1600, "height": 2000})
    page.goto(f"{server.url}/asset-groups")
    expect(page.get_by_role("button", name=MATERIALIZE_ALL)).to_be_visible()
    dismiss_welcome_dialog(page)
    expand_all_groups(page)
    for name in assets:
        expect(page.get_by_text(name, exact=True).first).to_be_visible()
    shot(page, "01-asset-graph")
    page.set_viewport_size({"width": 1600, "height": 1100})

    # 2. A backfill of three usage days, launched from the UI.
    dialog = open_launch_dialog(page, server, f"[{DAYS[0]}...{DAYS[-1]}]")
    expect(dialog.get_by_text("3 partitions", exact=True)).to_be_visible()
    shot(page, "02-backfill-dialog")
    dialog.get_by_role("button", name="Launch backfill").click()
    toast = page.get_by_text(re.compile(r"Created backfill \w+"))
    expect(toast).to_be_visible()
    backfill_id = re.search(r"Created backfill (\w+)", toast.inner_text())
    assert backfill_id is not None
    page.goto(f"{server.url}/runs/b/{backfill_id.group(1)}")
    wait_for_status(page, backfill_status(page), "Succeeded", RUN_TIMEOUT_S)
    shot(page, "03-backfill-succeeded")

    # 3. The days turn green, and their rows are in Postgres.
    page.goto(f"{server.url}/assets/agent_usage?view=partitions")
    expect(page.get_by_text(re.compile(r"^Materialized \(\d+\)$"))).to_be_visible()
    for day in DAYS:
        dot = page.locator(f'[data-tooltip="{day}"] + div').first
        expect(dot).to_have_attribute("style", re.compile(r"accent-green"))
    shot(page, "04-partitions-green")
    rows = usage_rows(server)
    totals = usage_check("v2026.9.6")["transcriptTotalsAll"]
    assert sorted(r["agent_id"] for r in rows) == AGENTS
    assert {r["date"] for r in rows} == {SAMPLE_DAY}
    assert sum(r["message_count"] for r in rows) == totals["calls"]
    assert sum(r["input_tokens"] for r in rows) == totals["input"]
    assert sum(r["output_tokens"] for r in rows) == totals["output"]
    assert sum(r["cache_read_tokens"] for r in rows) == totals["cacheRead"]
    assert sum(r["cache_write_tokens"] for r in rows) == totals["cacheWrite"]

    # 4. Rerunning the day from the UI leaves its rows exactly as they were.
    dialog = open_launch_dialog(page, server, str(SAMPLE_DAY))
    dialog.get_by_role("button", name="Launch 1 run").click()
    expect(page.get_by_text(re.compile(r"Launched run \w+"))).to_be_visible()
    page.get_by_role("link", name="View", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/runs/[0-9a-f-]{36}"))
    wait_for_status(page, run_status(page), "Success", RUN_TIMEOUT_S)
    expect(page.get_by_text(f"partition: {SAMPLE_DAY}")).to_be_visible()
    shot(page, "05-rerun-succeeded")
    assert usage_rows(server) == rows

    # 5. The day's materialization: the per-agent table, and the cost plotted.
    page.goto(f"{server.url}/assets/agent_usage?view=partitions&partition={SAMPLE_DAY}")
    expect(page.get_by_text("usage_by_agent", exact=True).first).to_be_visible()
    table = page.locator("table", has=page.get_by_text("cost_usd", exact=True)).last
    for agent in AGENTS:
        expect(table.get_by_role("cell", name=agent, exact=True)).to_be_visible()
    total_cost = sum((Decimal(r["total_cost"]) for r in rows), Decimal(0))
    expect(page.get_by_text(f"{round(float(total_cost), 6)}", exact=True).first).to_be_visible()
    shot(page, "06-materialization-usage-by-agent")

    page.goto(f"{server.url}/assets/agent_usage?view=overview")
    page.get_by_role("button", name=re.compile(r"\bPlots$")).click()  # the icon is part of its name
    title = page.get_by_text("total_cost_usd", exact=True).first
    plot = page.locator("div", has=title).filter(has=page.locator("canvas")).last
    plot.scroll_into_view_if_needed()
    expect(plot.locator("canvas")).to_be_visible()
    page.wait_for_timeout(1000)  # the chart animates in
    shot(page, "07-cost-plot")
    plot.screenshot(path=str(ARTIFACTS / "07-cost-plot-detail.png"))
