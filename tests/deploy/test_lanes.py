"""Two lanes in every deploy: the tablets' sync and live stream on processes of their own.

A process runs its synchronous views one at a time (Django under ASGI). In the reconnect storm
(bench/reconnect_storm.py, issue 20) a board sharing its process with 100 returning tablets got its
events 1.8 s late (p50; p95 13 s), and 11 ms / 55 ms once it had a process of its own. So the proxy
examples send `/api/v1/field/` and the stream opened with `?lane=field` (static/common/stream.js,
passed by the field app) to the `field` upstream, and everything else (the board, intake, the admin)
to the other. A real nginx was run on these files by hand (docs/capacity.md); here their routing is
read, so a later edit cannot silently merge the lanes."""

import re
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def locations(text: str) -> dict[str, str]:
    """Each `location` of the server block and the upstream (or variable) it proxies to."""
    return dict(re.findall(r"location\s+([^\s{]+)\s*\{[^}]*?proxy_pass\s+http://([^;/\s]+)", text))


def test_both_proxy_examples_send_the_tablets_lane_to_its_own_upstream():
    for name in ("nginx.conf", "nginx-compose.conf"):
        text = (DEPLOY / name).read_text()
        assert re.search(r"upstream firstline_field \{", text), name
        routes = locations(text)
        assert routes["/api/v1/field/"] == "firstline_field", (name, routes)
        assert routes["/"] == "firstline_asgi", (name, routes)
        assert routes["/ws/"] == "$firstline_stream_lane", (name, routes)
        lane_map = re.search(r"map \$arg_lane \$firstline_stream_lane \{([^}]*)\}", text)
        assert lane_map, name
        assert re.search(r"default\s+firstline_asgi;", lane_map.group(1)), name
        assert re.search(r"field\s+firstline_field;", lane_map.group(1)), name


def test_the_systemd_example_lists_different_ports_for_each_lane():
    text = (DEPLOY / "nginx.conf").read_text()
    pools = {
        name: set(re.findall(r"server 127\.0\.0\.1:(\d+);", body))
        for name, body in re.findall(r"upstream (\w+) \{([^}]*)\}", text)
    }
    assert pools["firstline_asgi"] and pools["firstline_field"]
    assert not pools["firstline_asgi"] & pools["firstline_field"]
    readme = (DEPLOY / "README.md").read_text()
    for port in pools["firstline_asgi"] | pools["firstline_field"]:
        assert f"firstline-web@{port}" in readme, port


def test_compose_runs_the_field_lane_as_its_own_healthy_service():
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    field, web = services["field"], services["web"]
    assert field["command"] == web["command"]
    assert field.get("healthcheck") == web.get("healthcheck")
    assert "FIRSTLINE_FIELD_PROCESSES" in field["deploy"]["replicas"]
    assert services["nginx"]["depends_on"]["field"]["condition"] == "service_healthy"


def test_every_daphne_of_the_examples_lets_a_handshake_wait_for_a_busy_process():
    """daphne's default (5 s) dropped returning tablets' handshakes in the storm, 2-3 times each."""
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    for name in ("web", "field"):
        command = services[name]["command"]
        assert command[command.index("--websocket_connect_timeout") + 1] == "30", name
    assert "--websocket_connect_timeout 30 " in (DEPLOY / "firstline-web@.service").read_text()
