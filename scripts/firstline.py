#!/usr/bin/env python3
"""Run Firstline on a fresh machine, or run its tests, with nothing but Python 3.11 and pip.

    python3 scripts/firstline.py run    # venv, install, migrate, demo program, serve everything
    python3 scripts/firstline.py test   # venv, install, lint, layers, migration check, the whole test suite
    python3 scripts/firstline.py lock   # after editing pyproject.toml: regenerate requirements/*.txt

The embedded run needs no services: SQLite, an in-process channel layer and a Celery worker and beat
on a broker kept in files under var/. Set DATABASE_URL and REDIS_URL to use PostgreSQL and Redis.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import signal
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("FIRSTLINE_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
# Every install is from a lock file with hashes: what runs (and goes into the container image), and
# that plus the test tools. `lock` regenerates both from pyproject.toml with uv.
LOCK = ROOT / "requirements" / "lock.txt"
TEST_LOCK = ROOT / "requirements" / "lock-test.txt"
UV = "uv>=0.5,<1"

DEMO_LOGINS = [
    ("dispatcher", "dispatcher", "/board/"),
    ("calltaker", "call-taker", "/intake/screen/"),
    ("responder1 … responder18", "responder", "/field/"),
    ("supervisor", "supervisor", "/admin/"),
    ("partner", "partner", "/partners/"),
    ("analyst", "analyst", "/insights/ (the program's measures)"),
    ("finance", "finance", "/funding/"),
]


def say(message: str) -> None:
    print(f"\033[1m» {message}\033[0m", flush=True)


def ensure_environment(*, with_tests: bool) -> None:
    """Create the virtual environment and install the locked dependencies, once per change."""
    if os.environ.get("FIRSTLINE_SKIP_INSTALL") == "1" and PYTHON.exists():
        return  # the caller already installed (used by the test that runs this very command)
    if sys.version_info[:2] != (3, 11):
        say(f"Firstline is built for Python 3.11; this is {sys.version.split()[0]}. Trying anyway.")
    lock = TEST_LOCK if with_tests else LOCK
    missing = lock_missing(lock, with_tests=with_tests)
    if missing:
        say(f"{lock.relative_to(ROOT)} lacks {', '.join(missing)} from pyproject.toml.")
        say("Regenerate the lock files with: python3 scripts/firstline.py lock")
        sys.exit(1)
    if not PYTHON.exists():
        say(f"Creating the virtual environment in {VENV}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + lock.read_bytes()).hexdigest()
    stamp = VENV / f".firstline-installed-{'test' if with_tests else 'run'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    say("Installing Firstline's dependencies (first run takes a minute)")
    for command in install_commands(lock, editable=True):
        subprocess.run([PYTHON, "-m", *command], check=True, cwd=ROOT)
    stamp.write_text(digest)


def install_commands(lock: Path, *, editable: bool) -> list[list[str]]:
    """The pip commands that install Firstline; the Dockerfile runs the same ones (a test compares)."""
    project = ["-e", "."] if editable else ["."]
    return [
        ["pip", "install", "--quiet", "--upgrade", "pip"],
        ["pip", "install", "--quiet", "--require-hashes", "--no-deps", "-r", str(lock.relative_to(ROOT))],
        ["pip", "install", "--quiet", "--no-deps", *project],
    ]


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_dependencies(*, with_tests: bool) -> list[str]:
    """The names pyproject.toml asks for (read without tomllib's help on older Pythons)."""
    text = (ROOT / "pyproject.toml").read_text()
    blocks = [re.search(r"^dependencies = \[(.*?)^\]", text, re.S | re.M).group(1)]
    if with_tests:
        blocks.append(re.search(r"^test = \[(.*?)^\]", text, re.S | re.M).group(1))
    specs = [item for block in blocks for item in re.findall(r'"([^"]+)"', block)]
    return [normalized(re.match(r"[A-Za-z0-9_.-]+", spec).group(0)) for spec in specs]


def locked_versions(lock: Path) -> dict[str, str]:
    if not lock.exists():
        return {}
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", lock.read_text(), re.M)
    return {normalized(name): version for name, version in pins}


def lock_missing(lock: Path, *, with_tests: bool) -> list[str]:
    """Names pyproject.toml declares that the lock file does not pin (it was not regenerated)."""
    pinned = locked_versions(lock)
    return [name for name in declared_dependencies(with_tests=with_tests) if name not in pinned]


def lock(upgrade: bool) -> int:
    """Regenerate both lock files from pyproject.toml, keeping existing pins unless --upgrade."""
    if not PYTHON.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", UV], check=True)
    base = [PYTHON, "-m", "uv", "pip", "compile", "pyproject.toml", "--universal", "--python-version", "3.11"]
    base += ["--generate-hashes", "--quiet", "--custom-compile-command", "python3 scripts/firstline.py lock"]
    if upgrade:
        base.append("--upgrade")
    LOCK.parent.mkdir(exist_ok=True)
    say(f"Locking {LOCK.relative_to(ROOT)}")
    subprocess.run([*base, "-o", str(LOCK)], check=True, cwd=ROOT)
    say(f"Locking {TEST_LOCK.relative_to(ROOT)} (the same pins plus the test tools)")
    subprocess.run([*base, "--extra", "test", "--constraint", str(LOCK), "-o", str(TEST_LOCK)], check=True, cwd=ROOT)
    return 0


def manage(*args: str, env: dict | None = None) -> None:
    subprocess.run([PYTHON, "manage.py", *args], check=True, cwd=ROOT, env=env)


def compile_catalogs() -> None:
    """Build the translations' .mo files from locale/*.po in Python (no GNU gettext needed)."""
    subprocess.run([PYTHON, "-m", "apps.common.catalogs", "compile"], check=True, cwd=ROOT)


def run(port: int, host: str) -> int:
    ensure_environment(with_tests=False)
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    compile_catalogs()
    say("Preparing the database")
    manage("migrate", "--noinput", env=env)
    say("Loading the demo program (Riverton)")
    manage("load_demo", env=env)
    children: list[tuple[str, subprocess.Popen]] = []

    def start(name: str, *args: str) -> None:
        children.append((name, subprocess.Popen([PYTHON, "-m", *args], cwd=ROOT, env=env)))

    start("web", "daphne", "-b", host, "-p", str(port), "config.asgi:application")
    start("worker", "celery", "-A", "config", "worker", "--loglevel=WARNING", "--concurrency=2")
    start("beat", "celery", "-A", "config", "beat", "--loglevel=WARNING")
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"  # noqa: S104
    time.sleep(2)
    print()
    print(f"  Firstline is running at {base}/")
    print(f"    Dispatch board      {base}/board/")
    print(f"    Responder tablet    {base}/field/")
    print(f"    Call screening      {base}/intake/screen/")
    print(f"    Partner inbox       {base}/partners/")
    print(f"    Supervisor admin    {base}/admin/")
    print(f"    Funding figures     {base}/funding/")
    print(f"    Public budget       {base}/public/budget/")
    print(f"    API docs            {base}/api/docs/")
    print()
    print("  Demo logins (password for all: firstline-demo)")
    for username, role, page in DEMO_LOGINS:
        print(f"    {username:<26} {role:<12} {page}")
    print()
    print("  Demo tablets: open the tablet page, enter the team's enrollment code, then sign in as one of")
    print("  its responders (responder1-3 are on CR-1, responder4-6 on CR-2, ...). Codes renew on every run:")
    for number in range(1, 7):
        print(f"    CR-{number}  DEMO-TEAM-{number:04d}   or open {base}/field/#enroll=DEMO-TEAM-{number:04d}")
    print()
    print("  Press Ctrl-C to stop.")
    stopping = False

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    while not stopping:
        for name, process in children:
            if process.poll() is not None:
                say(f"The {name} process stopped (exit {process.returncode}); shutting down.")
                stopping, code = True, 1
        time.sleep(0.5)
    say("Stopping")
    for _name, process in children:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for _name, process in children:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
    return code


def parallel(pytest_args: list[str]) -> list[str]:
    """The whole suite runs in FIRSTLINE_TEST_WORKERS pytest-xdist workers (default: one per core,
    at least 2: most tests wait on servers, browsers and the database), a test file per worker at a
    time (`--dist loadfile`, so a module's server or browser starts once). A chosen subset runs in
    one process unless -n is given."""
    if pytest_args:
        return []
    workers = os.environ.get("FIRSTLINE_TEST_WORKERS") or str(max(2, os.cpu_count() or 1))
    return [] if workers in ("0", "1") else ["-n", workers, "--dist", "loadfile", "--durations=25"]


def test(pytest_args: list[str]) -> int:
    ensure_environment(with_tests=True)
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    compile_catalogs()
    say("ruff check")
    lint = subprocess.run([PYTHON, "-m", "ruff", "check", "."], cwd=ROOT)
    say("lint-imports (the layers in .importlinter, drawn in docs/architecture.md)")
    layers = subprocess.run([BIN / "lint-imports"], cwd=ROOT)
    say("makemigrations --check")
    migrations = subprocess.run([PYTHON, "manage.py", "makemigrations", "--check", "--dry-run"], cwd=ROOT, env=env)
    say("pytest")
    tests = subprocess.run([PYTHON, "-m", "pytest", *parallel(pytest_args), *pytest_args], cwd=ROOT, env=env)
    for name, result in [("ruff", lint), ("lint-imports", layers), ("makemigrations --check", migrations)]:
        if result.returncode:
            say(f"{name} failed")
    return lint.returncode or layers.returncode or migrations.returncode or tests.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    run_parser = sub.add_parser("run", help="serve Firstline with the demo program")
    run_parser.add_argument("--port", type=int, default=int(os.environ.get("FIRSTLINE_PORT", "8000")))
    run_parser.add_argument("--host", default=os.environ.get("FIRSTLINE_HOST", "127.0.0.1"))
    test_parser = sub.add_parser("test", help="run the checks and the test suite")
    test_parser.add_argument("pytest_args", nargs=argparse.REMAINDER)
    lock_parser = sub.add_parser("lock", help="regenerate requirements/lock*.txt from pyproject.toml")
    lock_parser.add_argument("--upgrade", action="store_true", help="move every pin to the newest allowed")
    if sys.argv[1:2] == ["test"] and "-h" not in sys.argv[2:3] and "--help" not in sys.argv[2:3]:
        return test(sys.argv[2:])  # everything after `test` goes to pytest untouched
    args = parser.parse_args()
    if args.command == "lock":
        return lock(args.upgrade)
    return run(getattr(args, "port", 8000), getattr(args, "host", "127.0.0.1"))


if __name__ == "__main__":
    sys.exit(main())
