"""What an episode's reward pays: its success, 0 or 1, unless the reset asks for the shaped reward;
the verdict carries the shaped reward either way."""

import pytest

import workgym


def test_make_and_reset_refuse_a_reward_they_do_not_know(code_server):
    with pytest.raises(ValueError, match="reward must be success or shaped, not 'partial'"):
        workgym.make("code/py-fix-bug", reward="partial")
    with pytest.raises(ValueError, match="reward must be success or shaped, not 'partial'"):
        workgym.Env(code_server, "code/sql-query").reset(seed=1, reward="partial")
    # The server reads the field too: it refuses what this package would not send.
    with pytest.raises(workgym.BadRequest, match='reward "partial" is not one of success, shaped'):
        code_server.reset("code/sql-query", 1, reward="partial")


def submit_at_once(env, **reset):
    env.reset(seed=3, **reset)
    _, reward, terminated, _, info = env.step({"name": "submit", "arguments": {}})
    env.close()
    assert terminated and info["verdict"]["success"] is False and info["verdict"]["reward"] == reward
    return reward, info["verdict"]["shaped_reward"]


def test_success_is_paid_unless_shaped_is_asked_by_the_env_or_the_reset(code_server):
    family = "code/sql-query"
    paid, shaped = submit_at_once(workgym.Env(code_server, family))
    assert paid == 0.0 and 0 <= shaped < 1
    assert submit_at_once(workgym.Env(code_server, family, reward="shaped")) == (shaped, shaped)
    assert submit_at_once(workgym.Env(code_server, family), reward="shaped") == (shaped, shaped)
    assert submit_at_once(workgym.Env(code_server, family, reward="shaped"), reward="success") == (0.0, shaped)
