"""Each ProtocolError code reaches the caller as its own exception class; a tool call that is
invalid or fails is no exception but a result of its step."""

import pytest

import workgym
from workgym.errors import REMOTE_ERRORS, remote_error


def test_every_protocol_error_code_has_its_class():
    for code, cls in REMOTE_ERRORS.items():
        error = remote_error(code, "why")
        assert type(error) is cls and isinstance(error, workgym.RemoteError)
        assert (error.code, str(error)) == (code, f"{code}: why")
    assert type(remote_error("from_the_future", "x")) is workgym.RemoteError


def test_refused_calls(code_server):
    with pytest.raises(workgym.UnsupportedVersion):
        code_server.hello(protocol_version=99)
    with pytest.raises(workgym.UnknownFamily):
        workgym.Env(code_server, "code/no-such-family").reset(seed=1)
    with pytest.raises(workgym.BadRequest, match="seed"):
        workgym.Env(code_server, "code/sql-query").reset(seed=2**30)
    with pytest.raises(workgym.BadRequest, match="split"):
        workgym.Env(code_server, "code/sql-query").reset(seed=1, split="validation")
    with pytest.raises(workgym.UnknownSession):
        code_server.step("no-such-session", [])
    with pytest.raises(workgym.WorkgymError, match="reset"):
        workgym.Env(code_server, "code/sql-query").step([])


def test_one_session_too_many(code_server):
    first, second = workgym.Env(code_server, "code/sql-query"), workgym.Env(code_server, "code/sql-query")
    first.reset(seed=1)
    with pytest.raises(workgym.TooManySessions):
        second.reset(seed=1)
    first.close()
    second.reset(seed=1)
    second.close()


def test_a_step_past_its_deadline_ends_the_episode(code_server):
    env = workgym.Env(code_server, "code/sql-query")
    env.reset(seed=1)
    with pytest.raises(workgym.DeadlineExceeded):
        env.step({"name": "bash", "arguments": {"command": "sleep 100", "timeout_s": 100}}, deadline_ms=3000)
    with pytest.raises(workgym.EpisodeOver):
        env.step({"name": "bash", "arguments": {"command": "true"}})
    with pytest.raises(workgym.EpisodeOver):
        env.expert()
    env.close()


def test_a_frame_over_the_limit_is_refused_before_it_is_sent(code_server):
    env = workgym.Env(code_server, "code/sql-query")
    env.reset(seed=1)
    with pytest.raises(workgym.FrameTooLarge):
        env.step({"name": "bash", "arguments": {"command": "x" * (64 * 1024 * 1024)}})
    _, _, _, _, info = env.step({"name": "bash", "arguments": {"command": "echo still here"}})
    assert "still here" in info["results"][0]["content"]
    env.close()


def test_a_server_that_exits_says_how_with_its_last_log_lines():
    with workgym.serve("no-such-env") as server:
        with pytest.raises(workgym.ServerExited, match=r'exit code 1\)[\s\S]*unknown env "no-such-env"'):
            server.hello()


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


def test_the_servers_answer_to_a_frame_it_cannot_read_fails_the_calls_in_flight(code_server):
    # Bytes no client of this package writes, put on the wire by hand ahead of a hello. The
    # client is unusable afterwards, so this is the module's last test on code_server.
    code_server._process.stdin.write(b"\x01\xff")
    with pytest.raises(workgym.BadFrame, match="undecodable Request"):
        code_server.hello()
    with pytest.raises(workgym.BadFrame):
        code_server.list_tasks()
