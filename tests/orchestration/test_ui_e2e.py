"""End to end through the Dagster UI: the real dagster-webserver and dagster-daemon, driven over GraphQL and
in a headless browser, against a temporary DAGSTER_HOME, raw directory and warehouse.

The webserver starts first; every sensor is stopped through GraphQL before the daemon starts, so the
only run that writes the warehouse is the one the test launches (the daemon still has to dequeue it:
the instance keeps the repository's QueuedRunCoordinator). One webserver serves both tests.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.orchestration.automation import corpus_job
from pipelines.orchestration.partitions import DUMPS_PARTITIONS_NAME
from pipelines.warehouse.connection import connect
from tests.conftest import FIXTURES
from tests.orchestration.test_runs import SEED_NAMES
from tests.orchestration.ui_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DagsterServices,
    add_dynamic_partition,
    asset_nodes,
    launch_partition_run,
    run_errors,
    stop_sensors,
    wait_for_run,
)

pytestmark = pytest.mark.ui

DUMP = "seeds_gitingest.txt"
GRAPH_ASSETS = ["documents", "paragraphs", "document_languages", "entity_mentions", "entities"]


@pytest.fixture(scope="module")
def dagster_ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DagsterServices]:
    root = tmp_path_factory.mktemp("dagster_ui")
    raw = root / "raw"
    raw.mkdir()
    shutil.copyfile(FIXTURES / DUMP, raw / DUMP)
    services = DagsterServices(
        root, {"CORPUS_RAW_DIR": str(raw), "CORPUS_WAREHOUSE": str(root / "warehouse" / "corpus.duckdb")}
    )
    started = time.monotonic()
    try:
        with services.logs_on_failure():
            services.start_webserver()
            services.stopped_sensors = stop_sensors(services)
            services.start_daemon()
        print(f"webserver ready and daemon started in {time.monotonic() - started:.1f} s at {services.url}")
        yield services
    finally:
        services.stop()


def test_corpus_job_launched_over_graphql_loads_the_dump(dagster_ui: DagsterServices):
    services = dagster_ui
    with services.logs_on_failure():
        assert "raw_dumps_sensor" in services.stopped_sensors
        nodes = {"/".join(node["assetKey"]["path"]): node for node in asset_nodes(services)}
        assert nodes["documents"]["isPartitioned"] and nodes["entity_mentions"]["isPartitioned"]
        assert not nodes["entities"]["isPartitioned"]

        added = add_dynamic_partition(services, DUMPS_PARTITIONS_NAME, DUMP)
        assert added == "AddDynamicPartitionSuccess"  # the sensor was stopped before it could add it

        started = time.monotonic()
        launched = launch_partition_run(services, corpus_job.name, DUMP)
        assert launched["status"] == "QUEUED"  # for the daemon to launch, not the webserver
        run_id = launched["runId"]
        run = wait_for_run(services, run_id, timeout=240)
        print(f"run {run_id}: {run['statuses_seen']} in {time.monotonic() - started:.1f} s")
        assert run["status"] == "SUCCESS", run_errors(services, run_id)
        assert {"key": "dagster/partition", "value": DUMP} in run["tags"]

        with connect(services.env["CORPUS_WAREHOUSE"], read_only=True, attempts=4) as con:
            names = con.execute("SELECT name FROM documents ORDER BY ordinal").fetchall()
            languages = con.execute(
                "SELECT d.name, l.language FROM document_languages l JOIN documents d USING (doc_id) "
                "ORDER BY d.ordinal"
            ).fetchall()
        assert [name for (name,) in names] == SEED_NAMES
        assert languages == [(name, "fr") for name in SEED_NAMES]


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent: apt-get install chromium (make browser)")
def test_asset_graph_page_shows_the_project_assets(dagster_ui: DagsterServices, tmp_path: Path):
    from playwright.sync_api import expect, sync_playwright

    services = dagster_ui
    groups = sorted({node["groupName"] for node in asset_nodes(services)})
    # The global lineage page collapses groups; `expanded` is the page's own URL state for opened groups.
    url = f"{services.url}/asset-groups?expanded=" + ",".join(f"global@global:{group}" for group in groups)
    screenshot = tmp_path / "asset_graph.png"
    page_errors: list[str] = []
    with services.logs_on_failure(), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1600, "height": 1000})
            # A fresh profile would get the "Join the Dagster community" dialog over the graph.
            context.add_init_script("window.localStorage.setItem('communityNux', JSON.stringify('1'))")
            page = context.new_page()
            page.on("pageerror", lambda error: page_errors.append(str(error)))
            page.goto(url, wait_until="domcontentloaded")
            expect(page.get_by_text("Global asset lineage").first).to_be_visible(timeout=30_000)
            # asset nodes are in the graph's SVG; group boxes are foreignObjects of class "group"
            nodes = page.locator("svg foreignObject:not(.group)")
            try:
                for name in GRAPH_ASSETS:
                    expect(nodes.get_by_text(name, exact=True).first).to_be_visible(timeout=30_000)
            finally:
                page.screenshot(path=str(screenshot))
                print(f"screenshot: {screenshot}; page errors: {page_errors or 'none'}")
        finally:
            browser.close()
    assert screenshot.stat().st_size > 10_000
