"""Reads a `workgym data export --format proto` file with nothing but episode.proto.

    protoc -I path/to/proto --python_out=. episode.proto
    PYTHONPATH=. python3 path/to/proto/read_episodes.py episodes.pb

The file is a sequence of EpisodeRecord messages, each after its length as a varint (the
framing of protobuf's writeDelimited); needs the `protobuf` package (pip or python3-protobuf).
"""
import sys

from google.protobuf.internal.decoder import _DecodeVarint32

import episode_pb2


def read_episodes(path):
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    while pos < len(data):
        size, pos = _DecodeVarint32(data, pos)
        record = episode_pb2.EpisodeRecord()
        record.ParseFromString(data[pos : pos + size])
        pos += size
        yield record


if __name__ == "__main__":
    for ep in read_episodes(sys.argv[1]):
        calls = [call.name for step in ep.steps for call in step.tool_calls]
        print(ep.episode_id, ep.status, ep.final_reward, len(ep.steps), ",".join(calls))
