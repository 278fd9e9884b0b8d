"""Helpers for the end-to-end UI tests: the real ``dagster-webserver`` and ``dagster-daemon`` as subprocesses.

They run from the repository root, so the code location is the one ``[tool.dagster]`` in pyproject.toml
names (what ``make dev`` serves), against a temporary ``DAGSTER_HOME`` whose ``dagster.yaml`` is the
repository's with its state directories moved into that temporary directory. Everything they start
(code servers, run workers) stays in their process group, which ``stop()`` ends.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
IN_PROGRESS = {"QUEUED", "NOT_STARTED", "STARTING", "STARTED", "CANCELING"}
FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the webserver binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_instance_config(home: Path, instance_yaml: Path = REPO_ROOT / "dagster.yaml") -> Path:
    """The repository's dagster.yaml (or ``instance_yaml``) with storage, artifacts and logs under ``home``.

    Kept: the QueuedRunCoordinator (so the daemon must dequeue runs, as for users) and the concurrency
    settings. Changed: the queue is polled every second instead of every 5 s, and telemetry is off.
    """
    config = yaml.safe_load(instance_yaml.read_text(encoding="utf-8"))
    config["storage"] = {"sqlite": {"base_dir": str(home / "storage")}}
    config["local_artifact_storage"] = {"module": "dagster._core.storage.root", "class": "LocalArtifactStorage",
                                        "config": {"base_dir": str(home / "artifacts")}}
    config["compute_logs"] = {"module": "dagster._core.storage.local_compute_log_manager",
                              "class": "LocalComputeLogManager", "config": {"base_dir": str(home / "logs")}}
    config["run_coordinator"].setdefault("config", {})["dequeue_interval_seconds"] = 1
    config["telemetry"] = {"enabled": False}
    path = home / "dagster.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


class GraphQLError(AssertionError):
    pass


class DagsterServices:
    """``dagster-webserver`` (and later ``dagster-daemon``) on a free port, each in its own process group."""

    def __init__(self, root: Path, env_overrides: dict[str, str], instance_yaml: Path = REPO_ROOT / "dagster.yaml"):
        self.root = root
        self.home = root / "dagster_home"
        self.home.mkdir(parents=True, exist_ok=True)
        write_instance_config(self.home, instance_yaml)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("CORPUS_", "DAGSTER_"))}
        self.env |= {"DAGSTER_HOME": str(self.home), "PYTHONUNBUFFERED": "1", **env_overrides}
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self.location = ""
        self.repository = ""
        self.stopped_sensors: list[str] = []

    def _start(self, name: str, args: list[str]) -> None:
        log = self.root / f"{name}.log"
        self.logs[name] = log
        with log.open("wb") as out:
            self.processes[name] = subprocess.Popen(
                [str(VENV_BIN / args[0]), *args[1:]], cwd=REPO_ROOT, env=self.env,
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )

    def start_webserver(self, timeout: float = 90) -> None:
        """Start the webserver and wait until its code location has loaded (raises with the log if not)."""
        self._start("webserver", ["dagster-webserver", "--host", "127.0.0.1", "--port", str(self.port)])
        deadline = time.monotonic() + timeout
        while True:
            self._check_alive()
            try:
                with urllib.request.urlopen(f"{self.url}/server_info", timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"dagster-webserver did not answer within {timeout:.0f} s\n{self.log_tail()}")
            time.sleep(0.25)
        while True:
            entries = self.graphql(
                """{ workspaceOrError { __typename ... on PythonError { message }
                     ... on Workspace { locationEntries { name loadStatus locationOrLoadError {
                       __typename ... on PythonError { message }
                       ... on RepositoryLocation { name repositories { name } } } } } } }"""
            )["workspaceOrError"]
            assert entries["__typename"] == "Workspace", entries
            loaded = [e for e in entries["locationEntries"] if e["loadStatus"] == "LOADED"]
            if entries["locationEntries"] and len(loaded) == len(entries["locationEntries"]):
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"code location not loaded within {timeout:.0f} s: {entries}\n{self.log_tail()}")
            time.sleep(0.25)
        (entry,) = loaded
        location = entry["locationOrLoadError"]
        if location["__typename"] != "RepositoryLocation":
            raise AssertionError(f"code location {entry['name']} failed to load: {location}\n{self.log_tail()}")
        self.location = location["name"]
        (self.repository,) = [r["name"] for r in location["repositories"]]

    def start_daemon(self) -> None:
        """The daemon dequeues runs (QueuedRunCoordinator) and ticks sensors and schedules."""
        self._start("daemon", ["dagster-daemon", "run"])

    @property
    def repository_selector(self) -> dict[str, str]:
        return {"repositoryLocationName": self.location, "repositoryName": self.repository}

    def graphql(self, query: str, variables: dict | None = None, timeout: float = 30) -> dict:
        """POST to /graphql; the ``data`` of the answer, or GraphQLError with the errors."""
        request = urllib.request.Request(
            f"{self.url}/graphql", data=json.dumps({"query": query, "variables": variables or {}}).encode(),
            headers={"Content-Type": "application/json"}, method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                answer = json.load(response)
        except urllib.error.HTTPError as error:
            raise GraphQLError(f"HTTP {error.code}: {error.read().decode(errors='replace')[:2000]}") from error
        if answer.get("errors"):
            raise GraphQLError(json.dumps(answer["errors"], indent=1)[:4000])
        return answer["data"]

    def _check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with code {process.returncode}\n{self.log_tail()}")

    def log_tail(self, lines: int = 60) -> str:
        parts = []
        for name, path in self.logs.items():
            text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
            tail = "\n".join(text.splitlines()[-lines:])
            parts.append(f"----- last {lines} lines of {name} log ({path}) -----\n{tail}")
        return "\n".join(parts)

    @contextmanager
    def logs_on_failure(self) -> Iterator[None]:
        """Print the tail of the services' logs when the block fails (pytest shows it with the failure)."""
        try:
            yield
        except BaseException:
            print(self.log_tail(), file=sys.stderr)
            raise

    def stop(self, grace: float = 15) -> None:
        """SIGTERM each process group (webserver/daemon, their code servers and run workers), then SIGKILL."""
        for process in self.processes.values():
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in self.processes.values():
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
        for process in self.processes.values():
            _signal_group(process, signal.SIGKILL)  # also children that outlived their parent
            if process.poll() is None:
                process.wait(timeout=10)


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, sig)  # start_new_session: the group id is the leader's pid


# --- GraphQL operations (field names checked against the installed dagster-graphql 1.13 schema) ---

SENSORS = """query Sensors($repo: RepositorySelector!) {
  sensorsOrError(repositorySelector: $repo) {
    __typename ... on PythonError { message }
    ... on Sensors { results { name sensorState { id status } } }
  }
}"""

STOP_SENSOR = """mutation StopSensor($id: String!) {
  stopSensor(id: $id) {
    __typename ... on PythonError { message } ... on UnauthorizedError { message }
    ... on StopSensorMutationResult { instigationState { name status } }
  }
}"""

ASSET_NODES = """query AssetNodes($repo: RepositorySelector!) {
  repositoryOrError(repositorySelector: $repo) {
    __typename ... on PythonError { message }
    ... on Repository { assetNodes { assetKey { path } groupName isPartitioned } }
  }
}"""

ADD_PARTITION = """mutation AddPartition($repo: RepositorySelector!, $name: String!, $key: String!) {
  addDynamicPartition(repositorySelector: $repo, partitionsDefName: $name, partitionKey: $key) {
    __typename
    ... on AddDynamicPartitionSuccess { partitionsDefName partitionKey }
    ... on DuplicateDynamicPartitionError { message }
    ... on UnauthorizedError { message }
    ... on PythonError { message stack }
  }
}"""

LAUNCH_RUN = """mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId status } }
    ... on RunConfigValidationInvalid { errors { message } }
    ... on Error { message }
  }
}"""

RUN_STATUS = """query RunStatus($runId: ID!) {
  runOrError(runId: $runId) {
    __typename ... on Error { message }
    ... on Run { status tags { key value } }
  }
}"""

RUN_ERRORS = """query RunEvents($runId: ID!) {
  runOrError(runId: $runId) {
    ... on Run { eventConnection(limit: 500) { events {
      __typename
      ... on MessageEvent { message level stepKey }
      ... on ErrorEvent { error { message stack } }
    } } }
  }
}"""


def stop_sensors(services: DagsterServices) -> list[str]:
    """Stop every running sensor, so that only the runs a test launches write the warehouse."""
    answer = services.graphql(SENSORS, {"repo": services.repository_selector})["sensorsOrError"]
    assert answer["__typename"] == "Sensors", answer
    stopped = []
    for sensor in answer["results"]:
        if sensor["sensorState"]["status"] == "RUNNING":
            result = services.graphql(STOP_SENSOR, {"id": sensor["sensorState"]["id"]})["stopSensor"]
            assert result["__typename"] == "StopSensorMutationResult", result
            assert result["instigationState"]["status"] == "STOPPED", result
            stopped.append(sensor["name"])
    return stopped


def asset_nodes(services: DagsterServices) -> list[dict]:
    answer = services.graphql(ASSET_NODES, {"repo": services.repository_selector})["repositoryOrError"]
    assert answer["__typename"] == "Repository", answer
    return answer["assetNodes"]


def add_dynamic_partition(services: DagsterServices, partitions_def: str, key: str) -> str:
    """Add ``key`` to a dynamic partitions definition; a partition that already exists is fine."""
    answer = services.graphql(
        ADD_PARTITION, {"repo": services.repository_selector, "name": partitions_def, "key": key}
    )["addDynamicPartition"]
    assert answer["__typename"] in {"AddDynamicPartitionSuccess", "DuplicateDynamicPartitionError"}, answer
    return answer["__typename"]


def launch_partition_run(services: DagsterServices, job: str, partition_key: str) -> dict:
    """launchRun of ``job`` for one partition (tag dagster/partition); the new run's id and status."""
    params = {
        "selector": {**services.repository_selector, "jobName": job},
        "executionMetadata": {"tags": [{"key": "dagster/partition", "value": partition_key}]},
    }
    answer = services.graphql(LAUNCH_RUN, {"params": params})["launchRun"]
    assert answer["__typename"] == "LaunchRunSuccess", answer
    return answer["run"]


def wait_for_run(services: DagsterServices, run_id: str, timeout: float = 240) -> dict:
    """Poll runOrError until the run finishes; the Run (status, tags). Fails on timeout or a dead service."""
    deadline = time.monotonic() + timeout
    seen = []
    while True:
        services._check_alive()
        run = services.graphql(RUN_STATUS, {"runId": run_id})["runOrError"]
        assert "status" in run, run
        if not seen or seen[-1] != run["status"]:
            seen.append(run["status"])
        if run["status"] in FINISHED:
            run["statuses_seen"] = seen
            return run
        if time.monotonic() > deadline:
            raise TimeoutError(f"run {run_id} still {run['status']} after {timeout:.0f} s (went {seen})")
        time.sleep(0.5)


def run_errors(services: DagsterServices, run_id: str) -> str:
    """The run's warning/error events and their Python errors, for an assertion message."""
    run = services.graphql(RUN_ERRORS, {"runId": run_id})["runOrError"]
    lines = []
    for event in run.get("eventConnection", {}).get("events", []):
        if event.get("level") in {"ERROR", "CRITICAL", "WARNING"} or event.get("error"):
            lines.append(f"[{event.get('level')}] {event.get('stepKey') or ''} {event.get('message', '')}")
            if event.get("error"):
                lines.append(event["error"]["message"] + "".join(event["error"]["stack"][-8:]))
    return "\n".join(lines) or "(no error events)"
