"""The ``anfang`` command line: tokens, workers, the supervisor and ``anfang up`` end to end."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from anfang import cli
from anfang.core.models import ApiToken, hash_token
from anfang.core.supervisor import ChildSpec, Supervisor
from tests.support import factories

ROOT = Path(__file__).resolve().parents[2]


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``anfang ARGS`` in this process (same test database); return (exit status, stdout, stderr)."""
    # run_from_argv closes every connection when done, which would end the test's transaction.
    with mock.patch("django.core.management.base.connections.close_all"):
        try:
            code = cli.main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------------------------------------------
# anfang token
# ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_token_create_prints_a_raw_token_once_that_authenticates(tenancy, client, capsys):
    code, out, err = run_cli(
        capsys, "token", "create", "--user", "manager_a", "--name", "脚本", "--expires-days", "7"
    )
    assert code == 0
    raw = out.strip()
    assert raw.startswith("anf_") and "\n" not in raw
    token = ApiToken.objects.get(user=tenancy.manager_a)
    assert token.name == "脚本" and token.expires_at is not None
    assert token.key_hash == hash_token(raw) and raw not in token.key_hash
    assert token.prefix in err and raw not in err  # the secret only once, on stdout
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["username"] == "manager_a"

    code, out, err = run_cli(capsys, "token", "list")
    assert code == 0 and token.prefix in out and "manager_a" in out and raw not in out

    code, out, _ = run_cli(capsys, "token", "revoke", token.prefix)
    assert code == 0 and token.prefix in out
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    code, out, _ = run_cli(capsys, "token", "list", "--user", "manager_a")
    assert "已吊销" in out


@pytest.mark.django_db
def test_device_token_is_bound_to_the_device_of_that_community(tenancy, client, capsys):
    device = factories.device(tenancy.a, code="cam-gate-1")
    code, out, _ = run_cli(capsys, "token", "create", "--device", "cam-gate-1", "--community", "a")
    assert code == 0
    token = ApiToken.objects.get(device=device)
    assert token.key_hash == hash_token(out.strip()) and token.user is None
    # A device token authenticates but is refused on registry endpoints (ingest only).
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {out.strip()}").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "--user", "nobody"], "nobody"),
        (["create", "--device", "nope", "--community", "a"], "nope"),
        (["create", "--device", "cam-b", "--community", "a"], "不属于"),
        (["create", "--device", "cam-b"], "--community"),
        (["create", "--user", "manager_a", "--community", "a"], "--community"),
        (["create", "--user", "manager_a", "--expires-days", "0"], "--expires-days"),
        (["create", "--user", "manager_a", "--name", "x" * 101], "100"),
        (["create"], "--user"),
        (["revoke", "anf_nothing"], "anf_nothing"),
        (["list", "--user", "nobody"], "nobody"),
        (["frobnicate"], "frobnicate"),
    ],
)
def test_token_errors_exit_2_with_a_clear_message(tenancy, capsys, args, message):
    factories.device(tenancy.b, code="cam-b")
    code, out, err = run_cli(capsys, "token", *args)
    assert code == 2
    assert message in err
    assert out == ""
    assert not ApiToken.objects.exists()


# ---------------------------------------------------------------------------------------------------
# anfang worker
# ---------------------------------------------------------------------------------------------------


def test_unknown_worker_exits_2_and_lists_the_known_names(capsys):
    code, _, err = run_cli(capsys, "worker", "nope")
    assert code == 2
    for name in ("mqtt", "sia", "scheduler", "recorder", "anpr", "uploader"):
        assert name in err


def test_registered_but_unimplemented_worker_says_so(capsys, monkeypatch):
    monkeypatch.setitem(cli.WORKERS, "ghost", "anfang.ghost.workers:Ghost")
    code, _, err = run_cli(capsys, "worker", "ghost")
    assert code == 2 and "尚不可用" in err
    assert "ghost" not in cli.available_workers()


class FakeWorker:
    """Stands in for a real worker: records that it ran under a stop event."""

    ran: threading.Event = threading.Event()

    def run(self, stop: threading.Event) -> None:
        assert not stop.is_set()
        FakeWorker.ran.set()


def test_implemented_worker_runs(monkeypatch, capsys):
    monkeypatch.setitem(cli.WORKERS, "fake", f"{__name__}:FakeWorker")
    assert cli.load_worker("fake") is FakeWorker
    assert "fake" in cli.available_workers()
    handlers = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        code, _, err = run_cli(capsys, "worker", "fake")
    finally:
        signal.signal(signal.SIGTERM, handlers[0])
        signal.signal(signal.SIGINT, handlers[1])
    assert code == 0 and FakeWorker.ran.is_set() and "fake" in err


def test_missing_dependency_inside_a_worker_module_is_not_hidden(monkeypatch):
    monkeypatch.setitem(cli.WORKERS, "broken", "tests.core.test_cli_missing_module_xyz:Nothing")
    with pytest.raises(cli.WorkerNotAvailable):
        cli.load_worker("broken")
    monkeypatch.setitem(cli.WORKERS, "broken", "tests.core.test_cli:NoSuchClass")
    with pytest.raises(cli.WorkerNotAvailable):
        cli.load_worker("broken")
    with pytest.raises(cli.UnknownWorker):
        cli.load_worker("never-registered")


# ---------------------------------------------------------------------------------------------------
# Supervisor
# ---------------------------------------------------------------------------------------------------


def test_supervisor_restarts_a_crashing_child_with_growing_backoff():
    logs: list[str] = []
    crash = ChildSpec("crash", [sys.executable, "-c", "raise SystemExit(3)"])
    sup = Supervisor([crash], log=logs.append, min_backoff=0.05, max_backoff=0.2, stable_after=30, poll=0.02)
    stop = threading.Event()
    timer = threading.Timer(2.5, stop.set)
    timer.start()
    assert sup.run(stop) == 0
    child = sup.children[0]
    assert child.restarts >= 2 and set(child.history) == {3}
    assert child.backoff == 0.2  # doubled up to the cap while it kept crashing
    assert any("crash" in line for line in logs)


def test_supervisor_backoff_resets_after_a_stable_run():
    sup = Supervisor([ChildSpec("x", ["true"])], min_backoff=1, max_backoff=30, stable_after=10)
    child = sup.children[0]
    child.backoff = 8
    assert sup.next_backoff(child, ran_for=2) == 16
    child.backoff = 30
    assert sup.next_backoff(child, ran_for=2) == 30
    assert sup.next_backoff(child, ran_for=60) == 1


def test_supervisor_stops_children_and_kills_those_that_ignore_sigterm():
    stubborn = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"
    sleeper = ChildSpec("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"])
    sup = Supervisor([sleeper, ChildSpec("stubborn", [sys.executable, "-c", stubborn])], grace=1.0, poll=0.02)
    stop = threading.Event()
    threading.Timer(1.0, stop.set).start()
    started = time.monotonic()
    sup.run(stop)
    assert time.monotonic() - started < 5
    assert all(c.process is None for c in sup.children)


# ---------------------------------------------------------------------------------------------------
# anfang up, end to end
# ---------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return None


def test_up_migrates_seeds_serves_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    env: dict[str, Any] = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"ANFANG_DATA_DIR": str(tmp_path / "data"), "ANFANG_PORT": str(port), "PYTHONUNBUFFERED": "1"})
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("ANFANG_DEMO_PASSWORD", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "anfang.cli", "up"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/login/"
    try:
        deadline = time.monotonic() + 90  # ~10 s on an idle machine; generous for a loaded CI box
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            status = _get(url)
            if status == 200:
                break
            time.sleep(0.3)
        assert status == 200, f"login page not reachable (last status {status})"
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, output
    assert f"http://127.0.0.1:{port}" in output
    assert "manager2" in output and "anfang-demo-2026" in output
    assert _get(url) is None  # nothing is left listening
    assert (tmp_path / "data" / "anfang.sqlite3").exists()
