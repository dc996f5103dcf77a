#!/usr/bin/env bash
# Generates the protobuf message classes the workgym package imports, from the repository's
# .proto files (the one source of the wire format; the generated files are not committed).
# Run it after a checkout and after either .proto changes; tests run it first. Each file is
# written aside and renamed into place, so a run beside another never shows a half-written one.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
tmp="$(mktemp -d "$here/workgym/.gen.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
protoc -I "$repo/envs/protocol/proto" --python_out="$tmp" workgym.proto
protoc -I "$repo/trajectories/proto" --python_out="$tmp" episode.proto
mv -f "$tmp/workgym_pb2.py" "$tmp/episode_pb2.py" "$here/workgym/"
