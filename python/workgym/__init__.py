"""workgym from Python: Gymnasium-style envs over `workgym serve`, and recorded runs as dicts.

    import workgym
    with workgym.make("code/py-fix-bug", runtime="docker") as env:
        obs, info = env.reset(seed=7)
        obs, reward, terminated, truncated, info = env.step(tool_calls)

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
    "ProtocolViolation",
    "RemoteError",
    "ServerExited",
    "TooManySessions",
    "UnknownFamily",
    "UnknownSession",
    "Unsupported",
    "UnsupportedVersion",
    "WorkgymError",
    "make",
    "read_episodes",
    "read_run",
    "serve",
]
