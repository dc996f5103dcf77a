"""The errors workgym raises, one class per ProtocolError code of workgym.proto.

A failed tool call is no exception: it comes back in the step's results (`info["results"]`,
each with its ActionError kind) and the episode goes on.
"""


class WorkgymError(Exception):
    """Base of every workgym error; `code` is stable to branch on."""

    code = "workgym_error"


class CliNotFound(WorkgymError):
    """No workgym command found, or the one named cannot start: pass cli=, set WORKGYM_CLI, or run from a checkout."""

    code = "cli_not_found"


class ServerExited(WorkgymError):
    """The env server is gone (its process exited or closed its output)."""

    code = "server_exited"

    def __init__(self, message, exit_code=None, stderr_tail=""):
        tail = stderr_tail.strip()
        super().__init__(f"{message}\n--- last server log lines ---\n{tail}" if tail else message)
        self.exit_code = exit_code
        self.stderr_tail = stderr_tail


class GatewayRefused(WorkgymError):
    """The gateway refused the connection (a wrong or missing token), or could not be reached."""

    code = "gateway_refused"


class ProtocolViolation(WorkgymError):
    """The server wrote something the protocol does not allow."""

    code = "protocol_violation"


class ClientClosed(WorkgymError):
    """The env (or its server) was closed by its owner."""

    code = "client_closed"


class RemoteError(WorkgymError):
    """The server refused a call with a ProtocolError; `code` is the server's."""

    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.remote_message = message


class BadFrame(RemoteError):
    """A frame that is not a Request."""


class FrameTooLarge(RemoteError):
    """A frame over the 64 MiB limit (refused before sending, or by the server, which then closes)."""


class BadRequest(RemoteError):
    """A seed of 2^30 or more, a split the family lacks, options it refuses, an unknown strategy."""


class UnsupportedVersion(RemoteError):
    """Hello named a protocol version the server does not speak."""


class UnknownFamily(RemoteError):
    """Reset named a family the env does not have."""


class TooManySessions(RemoteError):
    """Reset while the server's max_sessions sessions are open."""


class UnknownSession(RemoteError):
    """No open session has that id (never opened, or closed)."""


class EpisodeOver(RemoteError):
    """Step or expert on an episode that has ended: reset to start another."""


class Unsupported(RemoteError):
    """Expert on a task that has no expert."""


class DeadlineExceeded(RemoteError):
    """The call passed its deadline; a step that does is the episode's last."""


class EnvError(RemoteError):
    """The env failed in a way it does not foresee; close the session."""


REMOTE_ERRORS = {
    "bad_frame": BadFrame,
    "frame_too_large": FrameTooLarge,
    "bad_request": BadRequest,
    "unsupported_version": UnsupportedVersion,
    "unknown_family": UnknownFamily,
    "too_many_sessions": TooManySessions,
    "unknown_session": UnknownSession,
    "episode_over": EpisodeOver,
    "unsupported": Unsupported,
    "deadline_exceeded": DeadlineExceeded,
    "env_error": EnvError,
}


def remote_error(code, message):
    """The exception for a ProtocolError; a code this client does not know gives RemoteError."""
    return REMOTE_ERRORS.get(code, RemoteError)(code, message)
