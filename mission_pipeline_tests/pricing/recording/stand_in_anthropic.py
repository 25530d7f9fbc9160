"""A stand-in Anthropic Messages server for recording real OpenClaw transcripts.

It answers `POST /v1/messages` (and `POST /messages`) with a short text reply whose usage comes
from a plan the recorder queues before each agent turn, streaming (SSE, as OpenClaw asks) or not.
Every served response is appended to a JSONL ledger with its serial, model and exact usage, so a
test can join what was served to what OpenClaw recorded. Standard library only.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class PlannedUsage:
    """The usage one response reports. `split` is `(5m, 1h)` or None for no `cache_creation` object."""

    input_tokens: int
    output_tokens: int
    cache_read: int = 0
    cache_write: int = 0
    split: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if self.split is not None and sum(self.split) != self.cache_write:
            raise ValueError(f"cache split {self.split} does not add up to {self.cache_write}")

    def anthropic_usage(self) -> dict[str, Any]:
        """The `usage` object of an Anthropic Messages response."""
        usage: dict[str, Any] = {
            "input_tokens": self.input_tokens,
            "cache_creation_input_tokens": self.cache_write,
            "cache_read_input_tokens": self.cache_read,
        }
        if self.split is not None:
            usage["cache_creation"] = {
                "ephemeral_5m_input_tokens": self.split[0],
                "ephemeral_1h_input_tokens": self.split[1],
            }
        usage["output_tokens"] = self.output_tokens
        return usage


@dataclass(frozen=True)
class PlannedCall:
    """One planned response: the model id it answers (its queue), who it is for, and its usage."""

    model: str
    agent: str
    usage: PlannedUsage


# Served when a request arrives with nothing queued (an unplanned call): it is still logged.
UNPLANNED = PlannedUsage(input_tokens=1, output_tokens=1)


@dataclass
class StandInState:
    """The queue of planned calls and the ledger; shared by the handler threads."""

    ledger: Path
    queues: dict[str, deque[PlannedCall]] = field(default_factory=dict)
    calls_per_agent: dict[str, int] = field(default_factory=dict)
    serial: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_call(self, request: dict[str, Any], stream: bool, path: str) -> tuple[int, PlannedCall, bool]:
        with self.lock:
            self.serial += 1
            model = str(request.get("model"))
            queue = self.queues.get(model)
            planned = bool(queue)
            call = queue.popleft() if queue else PlannedCall(model=model, agent="?", usage=UNPLANNED)
            serial = self.serial
            agent_index = self.calls_per_agent.get(call.agent, 0) + 1
            self.calls_per_agent[call.agent] = agent_index
            entry = {
                "serial": serial,
                "api": "anthropic-messages",
                "path": path,
                "ts": time.time(),
                "agent": call.agent,
                "agent_call_index": agent_index,
                "planned": planned,
                "model": request.get("model"),
                "stream": stream,
                "n_messages": len(request.get("messages") or []),
                "cache_ttls": sorted(_cache_ttls(request)),
                "message_id": f"msg_standin{serial:06d}",
                "reply": reply_text(serial, str(request.get("model"))),
                "usage": call.usage.anthropic_usage(),
            }
            with self.ledger.open("a", encoding="utf-8") as out:
                out.write(json.dumps(entry, sort_keys=False) + "\n")
            return serial, call, planned


def _cache_ttls(request: dict[str, Any]) -> set[str]:
    """The cache_control TTLs the request asked for ("5m" when no ttl is given)."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            control = value.get("cache_control")
            if isinstance(control, dict):
                found.add(str(control.get("ttl", "5m")))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(request.get("system"))
    walk(request.get("messages"))
    walk(request.get("tools"))
    return found


def reply_text(serial: int, model: str) -> str:
    return f"Stand-in reply #{serial} from {model}. Noted."


def _handler(state: StandInState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            self._json(404, {"type": "error", "error": {"type": "not_found_error", "message": self.path}})

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            path = self.path.split("?", 1)[0]
            if not path.endswith("/messages"):
                self._json(404, {"type": "error", "error": {"type": "not_found_error", "message": path}})
                return
            try:
                request = json.loads(body or b"{}")
            except json.JSONDecodeError:
                self._json(
                    400, {"type": "error", "error": {"type": "invalid_request_error", "message": "json"}}
                )
                return
            stream = bool(request.get("stream"))
            serial, call, _ = state.next_call(request, stream, path)
            model = str(request.get("model"))
            message_id = f"msg_standin{serial:06d}"
            text = reply_text(serial, model)
            usage = call.usage.anthropic_usage()
            if stream:
                self._stream(message_id, model, text, usage)
            else:
                self._json(
                    200,
                    {
                        "id": message_id,
                        "type": "message",
                        "role": "assistant",
                        "model": model,
                        "content": [{"type": "text", "text": text}],
                        "stop_reason": "end_turn",
                        "stop_sequence": None,
                        "usage": usage,
                    },
                )

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, message_id: str, model: str, text: str, usage: dict[str, Any]) -> None:
            # As the Messages API streams: the prompt usage in message_start (output 1 so far),
            # the final output count in message_delta.
            start_usage = {**usage, "output_tokens": 1}
            events: list[tuple[str, dict[str, Any]]] = [
                (
                    "message_start",
                    {
                        "type": "message_start",
                        "message": {
                            "id": message_id,
                            "type": "message",
                            "role": "assistant",
                            "model": model,
                            "content": [],
                            "stop_reason": None,
                            "stop_sequence": None,
                            "usage": start_usage,
                        },
                    },
                ),
                (
                    "content_block_start",
                    {
                        "type": "content_block_start",
                        "index": 0,
                        "content_block": {"type": "text", "text": ""},
                    },
                ),
                (
                    "content_block_delta",
                    {
                        "type": "content_block_delta",
                        "index": 0,
                        "delta": {"type": "text_delta", "text": text},
                    },
                ),
                ("content_block_stop", {"type": "content_block_stop", "index": 0}),
                (
                    "message_delta",
                    {
                        "type": "message_delta",
                        "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                        "usage": {"output_tokens": usage["output_tokens"]},
                    },
                ),
                ("message_stop", {"type": "message_stop"}),
            ]
            payload = b"".join(
                f"event: {name}\ndata: {json.dumps(data)}\n\n".encode() for name, data in events
            )
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("cache-control", "no-cache")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()

    return Handler


class StandInAnthropic:
    """The server, on 127.0.0.1 (port 0 picks a free one); `url` is the provider `baseUrl`."""

    def __init__(self, ledger: Path, port: int = 0) -> None:
        ledger.parent.mkdir(parents=True, exist_ok=True)
        ledger.touch()
        self.state = StandInState(ledger=ledger)
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self.state))
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="stand-in-anthropic", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def plan(self, *calls: PlannedCall) -> None:
        """Queue the responses the next requests for each call's model get, in order."""
        with self.state.lock:
            for call in calls:
                self.state.queues.setdefault(call.model, deque()).append(call)

    def pending(self, model: str | None = None) -> int:
        """Planned responses not served yet (for one model, or all)."""
        with self.state.lock:
            if model is not None:
                return len(self.state.queues.get(model, ()))
            return sum(len(queue) for queue in self.state.queues.values())

    def start(self) -> StandInAnthropic:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@contextmanager
def serving(ledger: Path) -> Iterator[StandInAnthropic]:
    server = StandInAnthropic(ledger).start()
    try:
        yield server
    finally:
        server.stop()
