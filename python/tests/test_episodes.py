"""A whole episode in each shipped env under docker, with the expert's calls."""

from concurrent.futures import ThreadPoolExecutor

import pytest

import workgym
from conftest import play_expert


@pytest.mark.parametrize("family", ["code/py-fix-bug", "browser/mail-find-answer"])
def test_the_experts_calls_solve_an_episode_of_a_made_env(family):
    with workgym.make(family, runtime="docker") as env:
        names = {tool["function"]["name"] for tool in env.tools}
        assert "submit" in names and all(t["type"] == "function" for t in env.tools)
        obs, reward, terminated, truncated, info = play_expert(env, seed=7)
        assert (reward, terminated, truncated) == (1.0, True, False)
        assert info["verdict"]["success"] is True and info["verdict"]["reward"] == 1.0
        assert info["tool_messages"][-1]["role"] == "tool"
        with pytest.raises(workgym.EpisodeOver):
            env.step({"name": "submit", "arguments": {}})
    with pytest.raises(workgym.ClientClosed):
        env.reset(seed=7)


def test_envs_sharing_one_server_play_their_episodes_in_threads():
    with workgym.serve("spreadsheet") as server:
        envs = [workgym.Env(server, "spreadsheet/computed-column") for _ in range(2)]
        with ThreadPoolExecutor(len(envs)) as pool:
            ends = list(pool.map(play_expert, envs, [11, 12]))
        assert [(reward, terminated) for _, reward, terminated, _, _ in ends] == [(1.0, True), (1.0, True)]
        assert [env.task["seed"] for env in envs] == [11, 12]
        for env in envs:
            env.close()


def test_openai_style_calls_and_invalid_ones_are_steps_of_the_episode(code_server):
    env = workgym.Env(code_server, "code/py-fix-bug", max_steps=3)
    obs, info = env.reset(seed=3, split="test")
    assert info["task"]["split"] == "test"
    message = {
        "role": "assistant",
        "tool_calls": [{"id": "call_a", "type": "function", "function": {"name": "bash", "arguments": '{"command": "echo hi"}'}}],
    }
    obs, reward, terminated, truncated, info = env.step(message)
    assert info["results"][0]["tool_call_id"] == "call_a" and "hi" in info["results"][0]["content"]
    _, _, _, _, info = env.step([{"name": "no_such_tool", "arguments": {}}, {"name": "bash", "arguments": "{not json"}])
    assert [r["error"]["kind"] for r in info["results"]] == ["unknown_tool", "invalid_arguments"]
    obs, reward, terminated, truncated, info = env.step([])
    assert info["results"][0]["error"]["kind"] == "no_tool_call"
    assert (terminated, truncated, info["step"]) == (False, True, 3) and info["verdict"]["success"] is False
    env.close()
