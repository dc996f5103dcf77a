"""One `workgym serve` process and the step protocol spoken to it (envs/protocol/proto/workgym.proto).

`Client` holds the calls; `EnvServer` speaks them over a server's stdio, `gateway.GatewayClient`
over a WebSocket to `workgym gateway`.

Requests go to the server's stdin and responses come back on its stdout, each a protobuf
message after its length as a varint. A reader thread matches responses to calls by id, so
several threads may drive sessions of one server at once (up to the server's max_sessions).
"""

import collections
import subprocess
import threading

from . import workgym_pb2 as pb
from .errors import CliNotFound, ClientClosed, DeadlineExceeded, FrameTooLarge, ProtocolViolation, ServerExited, remote_error

PROTOCOL_VERSION = 1
MAX_FRAME_BYTES = 64 * 1024 * 1024
# The server's own default deadline, used when a call names none (deadline_ms 0 on the wire).
SERVER_DEFAULT_DEADLINE_MS = 300_000
# The server answers deadline_exceeded itself once a deadline passes; this is how much longer
# the client waits for that answer before it stops waiting.
DEADLINE_GRACE_S = 30
STDERR_TAIL_LINES = 40


def encode_varint(n):
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


class _Pending:
    def __init__(self):
        self.done = threading.Event()
        self.response = None
        self.error = None


class Client:
    """The calls of the protocol over some transport; a subclass sends bytes and delivers what comes back."""

    def __init__(self, name):
        self.name = name
        self._pending = {}
        self._lock = threading.Lock()
        self._next_id = 1
        self._failure = None

    # The calls of the protocol; each returns the response message or raises a WorkgymError.

    def hello(self, client="workgym-python", protocol_version=PROTOCOL_VERSION):
        return self.call("hello", pb.HelloRequest(client=client, protocol_version=protocol_version))

    def list_tasks(self):
        return self.call("list_tasks", pb.ListTasksRequest())

    def reset(self, family, seed, split="", max_steps=0, options_json="", deadline_ms=None, reward=""):
        request = pb.ResetRequest(family=family, seed=seed, split=split, max_steps=max_steps, options_json=options_json, reward=reward)
        return self.call("reset", request, deadline_ms)

    def step(self, session, calls, deadline_ms=None):
        return self.call("step", pb.StepRequest(session=session, calls=calls), deadline_ms)

    def expert(self, session, strategy=""):
        return self.call("expert", pb.ExpertRequest(session=session, strategy=strategy))

    def close_session(self, session):
        self.call("close", pb.CloseRequest(session=session))

    def call(self, name, body, deadline_ms=None):
        """Sends one call (`name` is its Request field) and waits for its answer."""
        pending = _Pending()
        with self._lock:
            if self._failure:
                raise self._failure
            call_id = self._next_id
            self._next_id = 1 if self._next_id >= 0xFFFFFFFF else self._next_id + 1
            request = pb.Request(id=call_id, deadline_ms=deadline_ms or 0, **{name: body})
            data = request.SerializeToString()
            if len(data) > MAX_FRAME_BYTES:
                raise FrameTooLarge("frame_too_large", f"{name} is {len(data)} bytes, over the limit of {MAX_FRAME_BYTES}")
            self._pending[call_id] = pending
            self._send(data)
        wait_s = (deadline_ms or SERVER_DEFAULT_DEADLINE_MS) / 1000 + DEADLINE_GRACE_S
        if not pending.done.wait(wait_s):
            with self._lock:
                self._pending.pop(call_id, None)
            raise DeadlineExceeded("deadline_exceeded", f"{name} on {self.name} did not answer within {wait_s:.0f} s")
        if pending.error:
            raise pending.error
        response = pending.response
        if response.WhichOneof("result") == "error":
            raise remote_error(response.error.code, response.error.message)
        if response.WhichOneof("result") != name:
            raise ProtocolViolation(f"{self.name} answered {name} with {response.WhichOneof('result')}")
        return getattr(response, name)

    def _send(self, data):
        """Writes one Request (its bytes); a failure is the reader's to report."""
        raise NotImplementedError

    def _deliver(self, data):
        """One Response's bytes, matched to the call waiting for it; False for bytes that are no Response."""
        try:
            response = pb.Response.FromString(data)
        except Exception:  # noqa: BLE001 - any decoding failure means the same thing
            self._fail(ProtocolViolation(f"{self.name} wrote an undecodable frame"))
            return False
        with self._lock:
            pending = self._pending.pop(response.id, None)
        if pending:
            pending.response = response
            pending.done.set()
        elif response.id == 0 and response.WhichOneof("result") == "error":
            # A frame of ours the server could not read: every call in flight may be it.
            self._fail(remote_error(response.error.code, response.error.message))
        # Else an answer to a call whose caller stopped waiting: dropped.
        return True

    def _fail(self, error):
        with self._lock:
            self._failure = self._failure or error
            pending, self._pending = list(self._pending.values()), {}
        for p in pending:
            p.error = error
            p.done.set()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class EnvServer(Client):
    """A started env server: `argv` is the whole command, e.g. workgym's `serve code --runtime docker`."""

    def __init__(self, argv, name=None):
        super().__init__(name or " ".join(argv))
        try:
            self._process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except OSError as error:
            raise CliNotFound(f"cannot start {argv[0]}: {error.strerror}") from None
        self._stderr_tail = collections.deque(maxlen=STDERR_TAIL_LINES)
        threading.Thread(target=self._read_responses, name="workgym-responses", daemon=True).start()
        threading.Thread(target=self._read_stderr, name="workgym-stderr", daemon=True).start()

    def _send(self, data):
        try:
            self._process.stdin.write(encode_varint(len(data)) + data)
            self._process.stdin.flush()
        except OSError:
            pass  # the reader thread reports how the server went

    def close(self, timeout_s=60):
        """Closes the server's input (it closes its sessions and exits) and waits for it."""
        self._fail(ClientClosed(f"{self.name} is closed"))
        try:
            self._process.stdin.close()
        except OSError:
            pass
        try:
            return self._process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self._process.kill()
            return self._process.wait()

    # The reader threads.

    def _read_responses(self):
        stream = self._process.stdout
        while True:
            header = _read_varint(stream)
            if header is None:
                return self._server_gone()
            if header == "bad" or header > MAX_FRAME_BYTES:
                return self._fail(ProtocolViolation(f"{self.name} wrote bytes that are not a frame"))
            data = stream.read(header)
            if len(data) < header:
                return self._server_gone()
            if not self._deliver(data):
                return

    def _read_stderr(self):
        for line in self._process.stderr:
            self._stderr_tail.append(line.decode("utf-8", "replace").rstrip("\n"))

    def _server_gone(self):
        try:
            code = self._process.wait(10)
        except subprocess.TimeoutExpired:
            code = None
        self._fail(ServerExited(f"{self.name} closed its output (exit code {code})", code, "\n".join(self._stderr_tail)))


def _read_varint(stream):
    """A frame's length, None at the end of the stream, "bad" for more than 5 bytes."""
    length = 0
    for shift in range(0, 35, 7):
        byte = stream.read(1)
        if not byte:
            return None
        length |= (byte[0] & 0x7F) << shift
        if not byte[0] & 0x80:
            return length
    return "bad"

