"""Episodes through a real `workgym gateway` (local runtime), and the token it refuses."""

import os
import re
import secrets
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import workgym
from conftest import play_expert
from workgym.cli import cli_command

TOKEN = secrets.token_hex(16)


@pytest.fixture(scope="module")
def gateway_url():
    """`workgym gateway --env spreadsheet --runtime local` on a free loopback port; yields its URL."""
    argv = [*cli_command(), "gateway", "--env", "spreadsheet", "--runtime", "local", "--port", "0"]
    env = {**os.environ, "WORKGYM_GATEWAY_TOKEN": TOKEN}
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Drained, so the gateway never blocks on a full pipe.
    threading.Thread(target=process.stderr.read, daemon=True).start()
    line = process.stdout.readline()
    match = re.search(r" at (ws://\S+)", line)
    try:
        assert match, f"the gateway did not say where it serves: {line!r} (exit {process.poll()})"
        yield match.group(1)
    finally:
        process.terminate()
        assert process.wait(120) == 0


def test_an_episode_through_the_gateway(gateway_url):
    with workgym.make("spreadsheet/computed-column", gateway=gateway_url, token=TOKEN) as env:
        assert "submit" in {tool["function"]["name"] for tool in env.tools}
        obs, reward, terminated, truncated, info = play_expert(env, seed=5)
        assert (reward, terminated, truncated) == (1.0, True, False)
        assert info["verdict"]["success"] is True
        assert env.server.hello().name == "spreadsheet"


def test_threads_share_one_connection_and_session_ids_are_the_gateways(gateway_url):
    with workgym.connect(gateway_url, token=TOKEN) as gateway, workgym.connect(gateway_url, token=TOKEN) as other:
        envs = [workgym.Env(gateway, "spreadsheet/computed-column") for _ in range(2)]
        with ThreadPoolExecutor(2) as pool:
            ends = list(pool.map(play_expert, envs, [11, 12]))
        assert [reward for _, reward, _, _, _ in ends] == [1.0, 1.0]
        # Another connection cannot touch this one's session.
        with pytest.raises(workgym.UnknownSession):
            other.step(envs[0].session, [])
        for env in envs:
            env.close()


def test_a_wrong_or_missing_token_is_refused(gateway_url, monkeypatch):
    with pytest.raises(workgym.GatewayRefused, match="refused the token"):
        workgym.connect(gateway_url, token="not-the-token-" + TOKEN)
    monkeypatch.delenv("WORKGYM_GATEWAY_TOKEN", raising=False)
    with pytest.raises(workgym.GatewayRefused, match="pass token= or set WORKGYM_GATEWAY_TOKEN"):
        workgym.make("spreadsheet/computed-column", gateway=gateway_url)
