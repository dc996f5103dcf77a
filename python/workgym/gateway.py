"""The step protocol over a WebSocket to `workgym gateway` (see docs/gateway.md).

Each Request and Response is one binary WebSocket message (no length prefix). The connection
sends the gateway's bearer token; a reader thread matches responses to calls by id, as for a
local server, so several threads may drive sessions of one connection at once (up to the
gateway's sessions per client).
"""

import os
import threading

import websocket  # websocket-client (Debian: python3-websocket)

from .errors import ClientClosed, GatewayRefused, ProtocolViolation, ServerExited
from .server import Client

TOKEN_VARIABLE = "WORKGYM_GATEWAY_TOKEN"
CONNECT_TIMEOUT_S = 30


def connect(url, token=None):
    """A connection to the gateway at `url` (ws:// or wss://), for Env(...) or make(..., gateway=url).

    token: the gateway's bearer token (None: the WORKGYM_GATEWAY_TOKEN environment variable).
    """
    token = token if token is not None else os.environ.get(TOKEN_VARIABLE)
    if not token:
        raise GatewayRefused(f"no token for the gateway at {url}: pass token= or set {TOKEN_VARIABLE}")
    return GatewayClient(url, token)


class GatewayClient(Client):
    """One WebSocket connection to a gateway; closing it closes its sessions there."""

    def __init__(self, url, token):
        super().__init__(url)
        try:
            self._socket = websocket.create_connection(
                url, header=[f"Authorization: Bearer {token}"], timeout=CONNECT_TIMEOUT_S, enable_multithread=True
            )
        except websocket.WebSocketBadStatusException as error:
            why = "refused the token (401 Unauthorized)" if error.status_code == 401 else f"answered HTTP {error.status_code}"
            raise GatewayRefused(f"the gateway at {url} {why}") from None
        except (OSError, websocket.WebSocketException) as error:
            raise GatewayRefused(f"cannot connect to the gateway at {url}: {error}") from None
        self._socket.settimeout(None)
        threading.Thread(target=self._read_responses, name="workgym-gateway", daemon=True).start()

    def close(self):
        """Closes the connection; the gateway closes this client's sessions."""
        self._fail(ClientClosed(f"the connection to {self.name} is closed"))
        try:
            self._socket.close()
        except (OSError, websocket.WebSocketException):
            pass

    def _send(self, data):
        try:
            self._socket.send_binary(data)
        except (OSError, websocket.WebSocketException):
            pass  # the reader thread reports how the connection went

    def _read_responses(self):
        while True:
            try:
                opcode, data = self._socket.recv_data()
            except (OSError, websocket.WebSocketException) as error:
                return self._fail(ServerExited(f"the connection to {self.name} broke: {error}"))
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                return self._fail(ServerExited(f"{self.name} closed the connection"))
            if opcode != websocket.ABNF.OPCODE_BINARY:
                return self._fail(ProtocolViolation(f"{self.name} sent a text message, which is no Response"))
            if not self._deliver(data):
                return
