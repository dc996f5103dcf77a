"""A whole episode in each shipped env under docker, with the expert's calls (spreadsheet: the threaded test)."""

from concurrent.futures import ThreadPoolExecutor

import pytest

import workgym
from conftest import play_expert


@pytest.mark.parametrize("family", ["code/py-fix-bug", "browser/mail-find-answer", "mcp/organise-files"])
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
        for _, _, _, _, info in ends:
            # What changed since the reset comes with the verdict: here the cells the expert wrote.
            changes = info["verdict"]["changes"]
            assert changes and all(c["key"].startswith("cell:") and c["after"] is not None for c in changes)
            assert info["verdict"]["changes_truncated"] is False
        for env in envs:
            env.close()


def test_a_persons_turns_come_with_the_call_that_reached_them():
    with workgym.make("code/py-ask-config", runtime="docker") as env:
        assert "message" in {tool["function"]["name"] for tool in env.tools}
        env.reset(seed=3)
        said = []
        for _ in range(30):
            obs, reward, terminated, truncated, info = env.step(env.expert())
            for result in info["results"]:
                said += [(turn, result["content"]) for turn in result["people"]]
            if terminated or truncated:
                break
        assert reward == 1.0 and terminated
        assert said, "the expert of a people family asks someone"
        for turn, content in said:
            assert turn["channel"] == "message" and turn["who"] and turn["name"]
            assert turn["text"] and turn["text"] in content
