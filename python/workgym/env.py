"""Gymnasium-style envs over `workgym serve` or a `workgym gateway`: make(), reset(), step(), close()."""

import json
import random

from . import workgym_pb2 as pb
from .cli import cli_command
from .errors import WorkgymError
from .gateway import connect
from .messages import message_dict
from .server import EnvServer

RUNTIMES = ("docker", "local")
# What an episode's reward pays (ResetRequest.reward): its success, 0 or 1, or the shaped reward.
REWARDS = ("success", "shaped")
MAX_SEED = 2**30 - 1


def serve(env, runtime="docker", cli=None):
    """Starts `workgym serve ENV --runtime RUNTIME`: one server whose sessions several Envs may share.

    "docker" (the default) runs the env in its hardened container; "local" runs it on this host
    with no container, as your user: only for an env you trust.
    """
    if runtime not in RUNTIMES:
        raise ValueError(f"runtime must be docker or local, not {runtime!r}")
    return EnvServer([*cli_command(cli), "serve", env, "--runtime", runtime], name=f"workgym serve {env}")


def make(env_id, runtime="docker", cli=None, max_steps=0, deadline_ms=None, gateway=None, token=None, reward="success"):
    """An Env for the family `env_id` ("<env>/<family>", e.g. "code/py-fix-bug") on its own server.

    max_steps: the step limit of each episode (0: none; reaching it sets truncated).
    reward: what the episode's final reward pays: "success" (1 or 0, the default) or "shaped"
    (partial credit from the family's declared components); info["verdict"]["shaped_reward"]
    holds the shaped reward either way.
    deadline_ms: how long a reset or step may take (None: the server's default, 5 minutes).
    gateway: a `workgym gateway` URL (ws:// or wss://) to play on instead of a server of its own
    (runtime and cli are then the gateway's business); token: its bearer token (None: the
    WORKGYM_GATEWAY_TOKEN environment variable).
    """
    env_name, slash, _ = env_id.partition("/")
    if not slash or not env_name:
        raise ValueError(f'give a task family "<env>/<family>", e.g. "code/py-fix-bug", not {env_id!r}')
    check_reward(reward)
    server = connect(gateway, token) if gateway else serve(env_name, runtime, cli)
    return Env(server, env_id, max_steps, deadline_ms, owns_server=True, reward=reward)


def check_reward(reward):
    if reward not in REWARDS:
        raise ValueError(f"reward must be success or shaped, not {reward!r}")
    return reward


class Env:
    """One episode at a time of one task family, on a session of `server`."""

    def __init__(self, server, family, max_steps=0, deadline_ms=None, owns_server=False, reward="success"):
        self.server = server
        self.family = family
        self.max_steps = max_steps
        self.deadline_ms = deadline_ms
        self.reward = check_reward(reward)
        self.session = None
        self.task = None
        self._owns_server = owns_server
        self._tools = None

    @property
    def tools(self):
        """The tools as OpenAI tool specs: the episode's after reset, every tool of the env before."""
        if self._tools is None:
            self._tools = [openai_tool(t) for t in self.server.list_tasks().tools]
        return self._tools

    def reset(self, seed=None, options=None, split="train", reward=None):
        """Starts an episode: returns (observation, info).

        seed: 0 to 2^30 - 1 (None: a random one); the same (family, split, seed, options) gives
        the same task. split: "train" or "test" (disjoint by seed). options: the family's own
        reset options (a dict; see the env's docs). reward: "success" or "shaped" for this
        episode (None: the Env's, see make()).
        """
        reward = self.reward if reward is None else check_reward(reward)
        self._close_session()
        seed = random.randint(0, MAX_SEED) if seed is None else seed
        reply = self.server.reset(
            self.family,
            seed,
            split=split,
            max_steps=self.max_steps,
            options_json=json.dumps(options) if options else "",
            deadline_ms=self.deadline_ms,
            reward=reward,
        )
        self.session = reply.session
        self.task = message_dict(reply.task)
        self._tools = [openai_tool(t) for t in reply.tools]
        return observation(reply.observation), {"task": self.task, "session": reply.session, "tools": self._tools}

    def step(self, action, deadline_ms=None):
        """Applies tool calls: returns (observation, reward, terminated, truncated, info).

        action: a list of tool calls (OpenAI {"id", "type", "function": {"name", "arguments"}} or
        {"name", "arguments"}, arguments a dict or JSON text), one call, or an assistant message
        with "tool_calls". An empty list is a step with no call (an error observation).
        """
        reply = self.server.step(self._open_session(), tool_calls(action), deadline_ms or self.deadline_ms)
        results = [
            {
                "tool_call_id": r.call_id,
                "content": r.text,
                "error": {"kind": r.error.kind, "message": r.error.message} if r.HasField("error") else None,
                "people": [{"who": t.who, "name": t.name, "channel": t.channel, "text": t.text} for t in r.people],
            }
            for r in reply.results
        ]
        info = {
            "step": reply.step_index,
            "results": results,
            "tool_messages": [{"role": "tool", "tool_call_id": r["tool_call_id"], "content": r["content"]} for r in results],
            "verdict": message_dict(reply.verdict) if reply.HasField("verdict") else None,
            "env_info": json.loads(reply.info_json) if reply.info_json else None,
        }
        return observation(reply.observation), reply.reward, reply.terminated, reply.truncated, info

    def expert(self, strategy=""):
        """The reference solution's next tool calls at this state (OpenAI style), for env.step."""
        return [openai_call(c) for c in self.server.expert(self._open_session(), strategy).calls]

    def close(self):
        """Closes the episode, and the server when make() started it for this Env."""
        try:
            self._close_session()
        finally:
            if self._owns_server:
                self.server.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _open_session(self):
        if self.session is None:
            raise WorkgymError("no episode: call reset() first")
        return self.session

    def _close_session(self):
        session, self.session = self.session, None
        if session is not None:
            try:
                self.server.close_session(session)
            except WorkgymError:
                pass  # closed already, or its server is gone: nothing is left to free


def tool_calls(action):
    """Protocol ToolCalls from an action (see Env.step)."""
    if isinstance(action, dict):
        action = action["tool_calls"] if "tool_calls" in action else [action]
    return [_tool_call(call, i) for i, call in enumerate(action or [])]


def _tool_call(call, index):
    function = call.get("function", call)
    arguments = function.get("arguments", {})
    if not isinstance(arguments, str):
        arguments = json.dumps(arguments)
    return pb.ToolCall(id=call.get("id") or f"call_{index}", name=function["name"], arguments_json=arguments)


def openai_call(call):
    return {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": call.arguments_json or "{}"}}


def openai_tool(spec):
    parameters = json.loads(spec.parameters_json) if spec.parameters_json else {"type": "object", "properties": {}}
    return {"type": "function", "function": {"name": spec.name, "description": spec.description, "parameters": parameters}}


def observation(obs):
    return {
        "text": obs.text,
        "images": [{"mime_type": i.mime_type, "data": i.data, "label": i.label} for i in obs.images],
        "data": json.loads(obs.data_json) if obs.data_json else None,
        "candidates": [openai_call(c) for c in obs.candidates],
    }

