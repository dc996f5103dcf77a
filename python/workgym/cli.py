"""Finds the `workgym` command this package starts servers and exports with."""

import os
import shlex
import shutil
from pathlib import Path

from .errors import CliNotFound

# python/workgym/cli.py -> the repository root, when the package runs from a checkout.
_CHECKOUT_CLI = Path(__file__).resolve().parents[2] / "tools" / "cli" / "bin" / "workgym.js"


def cli_command(cli=None):
    """The command that runs workgym, as an argv prefix.

    In order: `cli` (a command line string or an argv list), the WORKGYM_CLI environment variable
    (a command line), the CLI of the repository checkout this package sits in (run with node),
    then `workgym` on PATH.
    """
    if cli:
        return shlex.split(cli) if isinstance(cli, str) else list(cli)
    if os.environ.get("WORKGYM_CLI"):
        return shlex.split(os.environ["WORKGYM_CLI"])
    node = shutil.which("node")
    if _CHECKOUT_CLI.is_file() and node:
        return [node, str(_CHECKOUT_CLI)]
    on_path = shutil.which("workgym")
    if on_path:
        return [on_path]
    raise CliNotFound(
        "no workgym command found: pass cli=, set WORKGYM_CLI (e.g. 'node /path/to/workgym/tools/cli/bin/workgym.js'), "
        "or put `workgym` on PATH"
    )
