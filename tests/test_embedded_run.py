"""README's run command, for real: embedded mode, demo program, web + worker + beat, clean Ctrl-C."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def get(url: str, **kwargs) -> tuple[int, bytes]:
    request = urllib.request.Request(url, **kwargs)  # noqa: S310 (loopback only)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_the_run_command_serves_the_demo_program_and_stops_cleanly(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(
        {
            "FIRSTLINE_VAR_DIR": str(tmp_path / "var"),
            "FIRSTLINE_VENV": sys.prefix,
            "FIRSTLINE_SKIP_INSTALL": "1",
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        }
    )
    log = open(tmp_path / "run.log", "wb")  # noqa: SIM115
    child_pids: list[int] = []
    runner = subprocess.Popen(
        [sys.executable, "scripts/firstline.py", "run", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # The demo load alone took 237 s on a 2-core machine with nothing else running.
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            assert runner.poll() is None, (tmp_path / "run.log").read_text()[-3000:]
            try:
                if get(f"{base}/healthz")[0] == 200 and b"Ctrl-C" in (tmp_path / "run.log").read_bytes():
                    break
            except OSError:
                pass
            time.sleep(1)
        else:
            pytest.fail("Firstline did not come up: " + (tmp_path / "run.log").read_text()[-3000:])
        output = (tmp_path / "run.log").read_text()
        assert f"{base}/board/" in output and "firstline-demo" in output
        status, body = get(
            f"{base}/api/v1/auth/login/",
            method="POST",
            data=json.dumps({"username": "dispatcher", "password": "firstline-demo"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        assert status == 200, body
        assert json.loads(body)["user"]["role"] == "dispatcher"
        children = subprocess.run(["pgrep", "-P", str(runner.pid), "-a"], capture_output=True, text=True).stdout
        assert "daphne" in children and "worker" in children and "beat" in children, children
        child_pids = [int(line.split()[0]) for line in children.splitlines()]
    finally:
        if runner.poll() is None:
            os.kill(runner.pid, signal.SIGINT)
        try:
            runner.wait(timeout=30)
        finally:
            log.close()
    assert runner.returncode == 0
    time.sleep(1)
    still_running = [pid for pid in child_pids if Path(f"/proc/{pid}").exists()]
    assert not still_running, f"children left running: {still_running}"
