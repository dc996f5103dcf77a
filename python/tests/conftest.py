"""The tests drive real servers through the workgym CLI: WORKGYM_CLI names it (the vitest test
that runs this suite sets it to the CLI from source), else the checkout's build is used."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import workgym  # noqa: E402


@pytest.fixture(scope="module")
def code_server():
    """One `workgym serve code` (docker, max_sessions 1) shared by a module's tests."""
    with workgym.serve("code") as server:
        yield server


def play_expert(env, seed, max_steps=50):
    """Resets, then steps the expert's calls until the episode ends; returns the last step."""
    obs, info = env.reset(seed=seed)
    assert info["task"]["family"] == env.family and info["task"]["seed"] == seed
    assert obs["text"] and info["tools"]
    for _ in range(max_steps):
        obs, reward, terminated, truncated, info = env.step(env.expert())
        assert [r["error"] for r in info["results"]] == [None] * len(info["results"])
        if terminated or truncated:
            return obs, reward, terminated, truncated, info
    raise AssertionError(f"the expert did not end {env.family} in {max_steps} steps")
