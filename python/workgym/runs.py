"""Reads recorded episodes as plain dicts, ready for datasets.Dataset.from_list.

    read_episodes("episodes.pb")   # a `workgym data export --format proto` file
    read_run("runs/my-run")        # a run folder, exported through the workgym CLI first

Each dict is an EpisodeRecord of trajectories/proto/episode.proto by field name, every field
present (JSON fields stay JSON text). As a script, prints one line per episode:

    python3 -m workgym.runs episodes.pb
"""

import os
import subprocess
import sys
import tempfile

from google.protobuf.internal.decoder import _DecodeVarint32

from . import episode_pb2
from .cli import cli_command
from .errors import CliNotFound, WorkgymError
from .messages import message_dict


def read_records(path):
    """The EpisodeRecord messages of a proto export: each after its length as a varint."""
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    while pos < len(data):
        size, pos = _DecodeVarint32(data, pos)
        if pos + size > len(data):
            raise WorkgymError(f"{path} ends inside an episode record: not a whole proto export")
        yield episode_pb2.EpisodeRecord.FromString(data[pos : pos + size])
        pos += size


def read_episodes(path):
    """The episodes of a proto export, as dicts."""
    for record in read_records(path):
        yield message_dict(record)


def read_run(run, include_test=False, cli=None):
    """The episodes of a run folder as dicts, through `workgym data export --format proto`.

    include_test: also test-split episodes (the export refuses them otherwise: they are kept
    for evaluation).
    """
    with tempfile.TemporaryDirectory(prefix="workgym-run-") as tmp:
        out = os.path.join(tmp, "episodes.pb")
        argv = [*cli_command(cli), "data", "export", os.fspath(run), "--format", "proto", "--out", out]
        try:
            done = subprocess.run(argv + (["--include-test"] if include_test else []), capture_output=True, text=True)
        except OSError as error:
            raise CliNotFound(f"cannot start {argv[0]}: {error.strerror}") from None
        if done.returncode != 0:
            raise WorkgymError(f"workgym data export {run} failed: {done.stderr.strip() or done.stdout.strip()}")
        return list(read_episodes(out))


def main(argv):
    if len(argv) != 1:
        sys.exit("usage: python3 -m workgym.runs EPISODES.pb")
    for ep in read_records(argv[0]):
        calls = [call.name for step in ep.steps for call in step.tool_calls]
        print(ep.episode_id, ep.status, ep.final_reward, len(ep.steps), ",".join(calls))


if __name__ == "__main__":
    main(sys.argv[1:])
