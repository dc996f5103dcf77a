"""workgym from Python: Gymnasium-style envs over `workgym serve`, and recorded runs as dicts.

    import workgym
    with workgym.make("code/py-fix-bug", runtime="docker") as env:
        obs, info = env.reset(seed=7)
        obs, reward, terminated, truncated, info = env.step(tool_calls)

    # or on a `workgym gateway` on another machine (token: WORKGYM_GATEWAY_TOKEN by default)
    with workgym.make("code/py-fix-bug", gateway="ws://envs.internal:8790/", token=token) as env: ...

The message classes are generated from the repository's .proto files: run python/generate.sh
once after a checkout (it needs protoc). See docs/python.md.
"""

from .env import Env, make, serve
from .errors import (
    BadFrame,
    BadRequest,
    CliNotFound,
    ClientClosed,
    DeadlineExceeded,
    EnvError,
    EpisodeOver,
    FrameTooLarge,
    GatewayRefused,
    ProtocolViolation,
    RemoteError,
    ServerExited,
    TooManySessions,
    UnknownFamily,
    UnknownSession,
    Unsupported,
    UnsupportedVersion,
    WorkgymError,
)
from .gateway import GatewayClient, connect
from .runs import read_episodes, read_run
from .server import EnvServer

__all__ = [
    "BadFrame",
    "BadRequest",
    "CliNotFound",
    "ClientClosed",
    "DeadlineExceeded",
    "Env",
    "EnvError",
    "EnvServer",
    "EpisodeOver",
    "FrameTooLarge",
    "GatewayClient",
    "GatewayRefused",
    "ProtocolViolation",
    "RemoteError",
    "ServerExited",
    "TooManySessions",
    "UnknownFamily",
    "UnknownSession",
    "Unsupported",
    "UnsupportedVersion",
    "WorkgymError",
    "connect",
    "make",
    "read_episodes",
    "read_run",
    "serve",
]
