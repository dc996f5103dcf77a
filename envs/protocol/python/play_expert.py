"""Plays one episode of a workgym env with its expert, from nothing but workgym.proto.

    protoc -I envs/protocol/proto --python_out=gen workgym.proto
    PYTHONPATH=gen python3 envs/protocol/python/play_expert.py \\
        --family code/sql-query --seed 1 -- npx workgym serve code

Starts the server command after `--`, says hello, lists the tasks, resets a session, asks the
expert for the next calls and steps them until the episode ends, closes the session, then
closes the server's stdin and waits for it to exit. Needs the `protobuf` package (pip, or
Debian's python3-protobuf).
"""
import argparse
import subprocess
import sys

import workgym_pb2 as pb

PROTOCOL_VERSION = 1


class ProtocolError(Exception):
    def __init__(self, error):
        super().__init__(f"{error.code}: {error.message}")
        self.code = error.code


class EnvServer:
    """One env server process, spoken to one call at a time over its stdin and stdout."""

    def __init__(self, argv):
        self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 1

    def call(self, name, body, deadline_ms=0):
        """Sends one call (`name` is the Request field) and returns its result, or raises."""
        request = pb.Request(id=self.next_id, deadline_ms=deadline_ms, **{name: body})
        self.next_id += 1
        data = request.SerializeToString()
        self.process.stdin.write(varint(len(data)) + data)
        self.process.stdin.flush()
        response = pb.Response.FromString(self.read_frame())
        if response.id != request.id:
            raise RuntimeError(f"answer to call {response.id} while waiting for {request.id}")
        if response.WhichOneof("result") == "error":
            raise ProtocolError(response.error)
        return getattr(response, name)

    def read_frame(self):
        length, shift = 0, 0
        while True:
            byte = self.read_exactly(1)[0]
            length |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return self.read_exactly(length)
            shift += 7

    def read_exactly(self, n):
        data = self.process.stdout.read(n)
        if len(data) < n:
            raise EOFError(f"the server closed its output (exit code {self.process.wait()})")
        return data

    def close(self):
        """Closing stdin asks the server to close its sessions and exit."""
        self.process.stdin.close()
        return self.process.wait()


def varint(n):
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def play(server, family, seed, split, max_steps):
    hello = server.call("hello", pb.HelloRequest(client="play_expert.py", protocol_version=PROTOCOL_VERSION))
    print(f"hello: {hello.name} {hello.version}, protocol {hello.protocol_version}, capabilities {','.join(hello.capabilities)}")
    tasks = server.call("list_tasks", pb.ListTasksRequest())
    print(f"tasks: {len(tasks.families)} families, {len(tasks.tools)} tools")
    if family not in [f.id for f in tasks.families]:
        raise SystemExit(f"{hello.name} has no family {family}")
    reset = server.call("reset", pb.ResetRequest(family=family, seed=seed, split=split, max_steps=max_steps))
    print(f"reset: {reset.task.family} seed {reset.task.seed} split {reset.task.split}")
    while True:
        expert = server.call("expert", pb.ExpertRequest(session=reset.session))
        step = server.call("step", pb.StepRequest(session=reset.session, calls=expert.calls))
        for call, result in zip(expert.calls, step.results):
            outcome = f"error {result.error.kind}" if result.HasField("error") else "ok"
            print(f"step {step.step_index}: {call.name} {outcome}")
        if step.terminated or step.truncated:
            break
    server.call("close", pb.CloseRequest(session=reset.session))
    end = "terminated" if step.terminated else "truncated"
    print(f"verdict: {end}, reward {step.verdict.reward:.2f}, success {step.verdict.success}")
    return step.verdict.success


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--split", default="train")
    parser.add_argument("--max-steps", type=int, default=50)
    parser.add_argument("server", nargs=argparse.REMAINDER, help="-- then the server command")
    args = parser.parse_args()
    command = args.server[1:] if args.server[:1] == ["--"] else args.server
    if not command:
        parser.error("give the server command after --, e.g. -- npx workgym serve code")
    server = EnvServer(command)
    try:
        success = play(server, args.family, args.seed, args.split, args.max_steps)
    except (ProtocolError, EOFError) as error:
        print(f"play_expert.py: {error}", file=sys.stderr)
        success = None
    finally:
        code = server.close()
    print(f"server exited with code {code}")
    sys.exit(0 if success else 1 if success is False else 2)


if __name__ == "__main__":
    main()
