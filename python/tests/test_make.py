"""What make() and step() accept, without a server."""

import pytest

import workgym
from workgym.cli import cli_command
from workgym.env import tool_calls


def test_the_cli_is_the_argument_then_WORKGYM_CLI(monkeypatch):
    monkeypatch.setenv("WORKGYM_CLI", "node '/opt/work gym/workgym.js'")
    assert cli_command() == ["node", "/opt/work gym/workgym.js"]
    assert cli_command("workgym --env-module ./my-env") == ["workgym", "--env-module", "./my-env"]
    assert cli_command(["/usr/bin/workgym"]) == ["/usr/bin/workgym"]


def test_make_refuses_what_it_cannot_start(tmp_path):
    with pytest.raises(ValueError, match='"<env>/<family>"'):
        workgym.make("code")
    with pytest.raises(ValueError, match="runtime must be docker or local, not 'cloud'"):
        workgym.make("code/py-fix-bug", runtime="cloud")
    with pytest.raises(workgym.CliNotFound, match="cannot start /nonexistent/workgym: No such file or directory"):
        workgym.make("code/py-fix-bug", cli="/nonexistent/workgym")
    with pytest.raises(workgym.CliNotFound, match="cannot start /nonexistent/workgym"):
        workgym.read_run(tmp_path, cli="/nonexistent/workgym")


def test_tool_calls_in_each_accepted_shape():
    openai = {"id": "call_a", "type": "function", "function": {"name": "bash", "arguments": '{"command": "ls"}'}}
    simple = {"name": "read_file", "arguments": {"path": "a.py"}}
    calls = tool_calls([openai, simple])
    assert [(c.id, c.name, c.arguments_json) for c in calls] == [
        ("call_a", "bash", '{"command": "ls"}'),
        ("call_1", "read_file", '{"path": "a.py"}'),
    ]
    assert [c.name for c in tool_calls(simple)] == ["read_file"]
    assert [c.name for c in tool_calls({"role": "assistant", "content": "", "tool_calls": [openai]})] == ["bash"]
    assert tool_calls([]) == [] and tool_calls({"role": "assistant", "tool_calls": None}) == []
