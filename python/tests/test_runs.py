"""Reading a run that `workgym rollout` wrote, as dicts ready for datasets.Dataset.from_list."""

import json
import subprocess

import pytest

import workgym
from workgym.cli import cli_command


def test_a_rollout_run_reads_as_one_dict_per_episode(tmp_path):
    run = tmp_path / "run"
    argv = [*cli_command(), "rollout", "--family", "spreadsheet/computed-column", "--agent", "expert"]
    done = subprocess.run([*argv, "--episodes", "1", "--seed", "5", "--out", str(run)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    episodes = workgym.read_run(run)
    assert [(e["family"], e["seed"], e["split"], e["status"], e["success"]) for e in episodes] == [
        ("spreadsheet/computed-column", 5, "train", "success", True),
    ]
    first = episodes[0]
    assert first["final_reward"] == 1.0 and first["agent"]["kind"] == "expert"
    assert first["steps"][-1]["tool_calls"][-1]["name"] == "submit" and first["steps"][-1]["terminated"] is True
    assert {t["name"] for t in first["tools"]} >= {"read_range", "submit"}
    # Plain JSON values only, every field present: what Dataset.from_list needs.
    assert json.loads(json.dumps(episodes)) == episodes
    assert first["self_evaluation"] is None
    # computed-column has no infeasible seeds: the field is there (episode.proto), and false.
    assert first["infeasible"] is False


def test_a_folder_that_is_no_run_is_refused_in_the_exports_words(tmp_path):
    with pytest.raises(workgym.WorkgymError, match=r"workgym data export .*/missing failed: workgym: "):
        workgym.read_run(tmp_path / "missing")
