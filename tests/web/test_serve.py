"""The 'drafter serve' command: local only, a one-time token in the printed
link, and a fast 'drafter --help' (the web code is imported only by serve)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner

from drafter.cli.commands import cli


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.org", "::"])
def test_a_host_other_than_this_computer_is_refused(host):
    result = CliRunner().invoke(cli, ["serve", "--host", host, "--no-browser"])
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "only listens on this computer" in lines[0] and host in lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_hosts_are_allowed(host):
    from drafter.web.server import check_host

    assert check_host(host) in ("127.0.0.1", "::1")


def test_serve_help_has_an_example():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "drafter serve --port 8123 --no-browser" in result.output


def test_drafter_help_does_not_load_the_web_code():
    code = (
        "import sys; from drafter.cli.commands import cli; "
        "print(any(m in sys.modules for m in ('flask', 'waitress', 'drafter.web.app')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_port_in_use_is_a_plain_error():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--no-browser", "--port", str(port)])
    assert result.exit_code != 0
    assert f"Cannot listen on port {port}" in result.output
    assert "Traceback" not in result.output


def test_serve_prints_a_one_time_link_and_serves_pages(tmp_path):
    env = {**os.environ, "DRAFTER_CONFIG": str(tmp_path / "settings.toml")}
    process = subprocess.Popen(
        [sys.executable, "-m", "drafter", "serve", "--no-browser", "--data-dir",
         str(tmp_path / "data")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    try:
        url = None
        for _ in range(20):
            line = process.stdout.readline()
            found = re.search(r"http://127\.0\.0\.1:\d+/\?token=\S+", line)
            if found:
                url = found.group(0)
                break
        assert url, "serve printed no link"
        base = url.split("/?", 1)[0]
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + "/")
        assert refused.value.code == 403

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as signed_in:
            opener.open(url)
        assert signed_in.value.code == 302
        cookie = signed_in.value.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        request = urllib.request.Request(base + "/", headers={"Cookie": cookie.split(";")[0]})
        with urllib.request.urlopen(request) as page:
            assert "Draft a response to an inspection report" in page.read().decode()
        with pytest.raises(urllib.error.HTTPError) as spent:
            opener.open(url)
        assert spent.value.code == 403
    finally:
        process.terminate()
        process.wait(timeout=30)
