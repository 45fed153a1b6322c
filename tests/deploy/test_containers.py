"""The container files, checked without Docker: they parse, and name only what exists.

A compose file that points at a missing file or an environment variable no setting reads fails
only on the day a city tries it; these catch it in CI instead.
"""

import importlib.util
import re
import shlex
from pathlib import Path

import yaml
from django.core.management import get_commands

from tests.servers import ROOT

DEPLOY = ROOT / "deploy"
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
# Read by the tools, not by config/settings: Django itself and prometheus-client.
EXTERNAL = {"DJANGO_SETTINGS_MODULE", "PROMETHEUS_MULTIPROC_DIR"}

spec = importlib.util.spec_from_file_location("firstline_script", ROOT / "scripts" / "firstline.py")
script = importlib.util.module_from_spec(spec)
spec.loader.exec_module(script)


def settings_read() -> set[str]:
    text = "".join(path.read_text() for path in (ROOT / "config" / "settings").glob("*.py"))
    return set(re.findall(r'env(?:_bool|_int|_list)?\("([A-Z0-9_]+)"', text))


def app_services() -> dict:
    return {name: s for name, s in COMPOSE["services"].items() if s.get("image") == "firstline:latest"}


def test_compose_has_each_role_and_exactly_one_beat():
    services = COMPOSE["services"]
    assert {"postgres", "redis", "migrate", "web", "worker", "beat", "nginx"} <= set(services)
    assert services["beat"]["deploy"]["replicas"] == 1
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    for name in ("postgres", "redis", "web", "worker", "beat", "nginx"):
        assert services[name].get("healthcheck"), f"{name} has no health check"


def test_compose_names_only_files_that_exist():
    for name, service in COMPOSE["services"].items():
        build = service.get("build")
        if build:
            context = (DEPLOY / build["context"]).resolve()
            assert (context / build["dockerfile"]).is_file(), name
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (DEPLOY / source).is_file(), f"{name} mounts missing {source}"


def test_compose_sets_only_settings_that_exist_and_the_example_env_gives_every_required_one():
    read = settings_read()
    for name, service in app_services().items():
        unknown = sorted(set(service["environment"]) - read - EXTERNAL)
        assert not unknown, f"{name} sets variables no setting reads: {unknown}"
    required = set(re.findall(r"\$\{([A-Z0-9_]+):\?", (DEPLOY / "compose.yaml").read_text()))
    example = {line.split("=")[0] for line in (DEPLOY / "compose.env.example").read_text().splitlines() if "=" in line}
    assert required <= example, f"compose.env.example lacks {sorted(required - example)}"


def test_compose_commands_name_real_entry_points():
    commands = get_commands()
    for name, service in app_services().items():
        command = service.get("command") or []
        words = shlex.split(command[-1]) if command[:2] == ["sh", "-c"] else command
        if "manage.py" in words:
            assert words[words.index("manage.py") + 1] in commands, name
        if "daphne" in words:
            assert "config.asgi:application" in words
        if "celery" in words:
            assert words[words.index("-A") + 1] == "config"
        for word in service.get("healthcheck", {}).get("test", []):
            if word == "manage.py":
                test = service["healthcheck"]["test"]
                assert test[test.index("manage.py") + 1] in commands, name


def test_the_image_installs_with_the_same_commands_as_the_script_then_runs_unprivileged():
    assert DOCKERFILE.startswith("#") and "\nFROM python:3.11-slim\n" in DOCKERFILE
    runs = [" ".join(line.split()) for line in re.findall(r"^RUN (.+)$", DOCKERFILE, re.M)]
    for command in script.install_commands(script.LOCK, editable=False):
        assert "python -m " + " ".join(command) in runs, f"the Dockerfile does not run: {command}"
    assert "collectstatic --noinput" in DOCKERFILE
    user = re.findall(r"^USER (\S+)$", DOCKERFILE, re.M)
    assert user and user[-1] not in ("root", "0")
    for source in re.findall(r"^COPY (\S+) ", DOCKERFILE, re.M):
        assert source == "." or (ROOT / source).exists(), source


def test_the_nginx_files_keep_metrics_private_and_pass_websockets():
    for path in (DEPLOY / "nginx.conf", DEPLOY / "nginx-compose.conf"):
        text = path.read_text()
        assert re.search(r"location = /metrics \{\s*(deny all|return 404);", text), path.name
        assert "proxy_set_header Upgrade $http_upgrade;" in text, path.name
    assert Path(DEPLOY / "README.md").read_text().count("compose") >= 2
