"""The lock files are what gets installed everywhere; they must agree with pyproject.toml.

If one of these fails after editing pyproject.toml: `python3 scripts/firstline.py lock`.
"""

import importlib.util
import re
import tomllib

import pytest
from packaging.requirements import Requirement

from tests.servers import ROOT

spec = importlib.util.spec_from_file_location("firstline_script", ROOT / "scripts" / "firstline.py")
script = importlib.util.module_from_spec(spec)
spec.loader.exec_module(script)

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = [Requirement(item) for item in PROJECT["dependencies"]]
TESTS = [Requirement(item) for item in PROJECT["optional-dependencies"]["test"]]


@pytest.mark.parametrize(("lock", "declared"), [("lock.txt", RUNTIME), ("lock-test.txt", RUNTIME + TESTS)])
def test_each_lock_pins_every_declared_dependency_within_its_bounds(lock, declared):
    pinned = script.locked_versions(ROOT / "requirements" / lock)
    missing = [str(r) for r in declared if script.normalized(r.name) not in pinned]
    assert not missing, f"{lock} lacks {missing}: run `python3 scripts/firstline.py lock`"
    outside = [
        f"{r} (locked {pinned[script.normalized(r.name)]})"
        for r in declared
        if not r.specifier.contains(pinned[script.normalized(r.name)], prereleases=True)
    ]
    assert not outside, f"{lock} pins versions pyproject.toml forbids: {outside}; run the lock command"
    assert script.lock_missing(ROOT / "requirements" / lock, with_tests=lock == "lock-test.txt") == []


def test_the_script_reads_pyproject_as_tomllib_does():
    names = [script.normalized(r.name) for r in RUNTIME + TESTS]
    assert script.declared_dependencies(with_tests=True) == names


@pytest.mark.parametrize("lock", ["lock.txt", "lock-test.txt"])
def test_every_pin_carries_hashes(lock):
    text = (ROOT / "requirements" / lock).read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    for entry in entries:
        if entry.strip():
            assert "==" in entry and "--hash=sha256:" in entry, entry[:200]


def test_the_test_lock_keeps_the_runtime_pins():
    runtime = script.locked_versions(ROOT / "requirements" / "lock.txt")
    tests = script.locked_versions(ROOT / "requirements" / "lock-test.txt")
    assert {name: tests.get(name) for name in runtime} == runtime


def test_majors_that_would_break_are_capped():
    bounds = {script.normalized(r.name): r.specifier for r in RUNTIME}
    for name, first_broken in [("django", "5.3"), ("channels", "5"), ("celery", "6")]:
        assert not bounds[name].contains(first_broken), f"{name} must stay below {first_broken}"


def test_installs_use_the_lock_with_hashes_then_the_project_alone():
    commands = script.install_commands(script.TEST_LOCK, editable=True)
    assert commands[1][3:] == ["--require-hashes", "--no-deps", "-r", "requirements/lock-test.txt"]
    assert commands[2][-3:] == ["--no-deps", "-e", "."]
