"""A stand-in OpenAI-compatible chat-completions server (as OpenRouter answers) for recordings.

It answers `POST /v1/chat/completions` (and `POST /chat/completions`) with a short text reply whose
usage comes from a plan the recorder queues before each agent turn: streaming (SSE `data:` chunks,
the last one before `data: [DONE]` carrying `usage`, as `stream_options.include_usage` asks) or not.
A planned usage may carry OpenRouter's `cost` (USD it charged), which OpenClaw records as the
provider-billed total. Every served response is appended to a JSONL ledger with its serial, model
and exact usage. Standard library only.
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

from mission_pipeline_tests.pricing.recording.stand_in_anthropic import reply_text


@dataclass(frozen=True)
class PlannedCompletionUsage:
    """The usage one chat-completions response reports; `prompt_tokens` includes the cached ones."""

    prompt_tokens: int
    completion_tokens: int
    cached_tokens: int = 0
    cache_write_tokens: int = 0
    cost: float | None = None  # OpenRouter's `usage.cost` (USD charged); None: no `cost` field

    def __post_init__(self) -> None:
        if self.cached_tokens + self.cache_write_tokens > self.prompt_tokens:
            raise ValueError("cached and cache-write tokens exceed the prompt")

    def openai_usage(self) -> dict[str, Any]:
        """The `usage` object of a chat-completions response (OpenRouter's shape)."""
        usage: dict[str, Any] = {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
            "prompt_tokens_details": {
                "cached_tokens": self.cached_tokens,
                "cache_write_tokens": self.cache_write_tokens,
            },
        }
        if self.cost is not None:
            usage["cost"] = self.cost
        return usage


@dataclass(frozen=True)
class PlannedCompletion:
    """One planned response: the model id it answers (its queue), who it is for, and its usage."""

    model: str
    agent: str
    usage: PlannedCompletionUsage


# Served when a request arrives with nothing queued (an unplanned call): it is still logged.
UNPLANNED = PlannedCompletionUsage(prompt_tokens=1, completion_tokens=1)


@dataclass
class StandInState:
    """The queue of planned calls and the ledger; shared by the handler threads."""

    ledger: Path
    queues: dict[str, deque[PlannedCompletion]] = field(default_factory=dict)
    calls_per_agent: dict[str, int] = field(default_factory=dict)
    serial: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_call(self, request: dict[str, Any], path: str) -> tuple[int, PlannedCompletion]:
        with self.lock:
            self.serial += 1
            model = str(request.get("model"))
            queue = self.queues.get(model)
            planned = bool(queue)
            call = queue.popleft() if queue else PlannedCompletion(model=model, agent="?", usage=UNPLANNED)
            serial = self.serial
            agent_index = self.calls_per_agent.get(call.agent, 0) + 1
            self.calls_per_agent[call.agent] = agent_index
            options = request.get("stream_options")
            entry = {
                "serial": serial,
                "api": "openai-completions",
                "path": path,
                "ts": time.time(),
                "agent": call.agent,
                "agent_call_index": agent_index,
                "planned": planned,
                "model": request.get("model"),
                "stream": bool(request.get("stream")),
                "include_usage": bool(isinstance(options, dict) and options.get("include_usage")),
                "n_messages": len(request.get("messages") or []),
                "completion_id": completion_id(serial),
                "reply": reply_text(serial, model),
                "usage": call.usage.openai_usage(),
            }
            with self.ledger.open("a", encoding="utf-8") as out:
                out.write(json.dumps(entry) + "\n")
            return serial, call


def completion_id(serial: int) -> str:
    return f"gen-standin{serial:06d}"


def _handler(state: StandInState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_GET(self) -> None:
            self._json(404, {"error": {"message": f"not found: {self.path}", "code": 404}})

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            path = self.path.split("?", 1)[0]
            if not path.endswith("/chat/completions"):
                self._json(404, {"error": {"message": f"not found: {path}", "code": 404}})
                return
            try:
                request = json.loads(body or b"{}")
            except json.JSONDecodeError:
                self._json(400, {"error": {"message": "invalid json", "code": 400}})
                return
            serial, call = state.next_call(request, path)
            model = str(request.get("model"))
            text = reply_text(serial, model)
            usage = call.usage.openai_usage()
            base = {"id": completion_id(serial), "created": int(time.time()), "model": model}
            if request.get("stream"):
                self._stream(base, text, usage)
                return
            self._json(
                200,
                {
                    **base,
                    "object": "chat.completion",
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": text},
                            "finish_reason": "stop",
                        }
                    ],
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

        def _stream(self, base: dict[str, Any], text: str, usage: dict[str, Any]) -> None:
            # As OpenRouter streams: role, content, finish_reason, then a usage chunk with no choices.
            chunk = {**base, "object": "chat.completion.chunk"}
            chunks: list[dict[str, Any]] = [
                {**chunk, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]},
                {**chunk, "choices": [{"index": 0, "delta": {"content": text}}]},
                {**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
                {**chunk, "choices": [], "usage": usage},
            ]
            payload = b"".join(f"data: {json.dumps(c)}\n\n".encode() for c in chunks) + b"data: [DONE]\n\n"
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("cache-control", "no-cache")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()

    return Handler


class StandInOpenAI:
    """The server, on 127.0.0.1 (port 0 picks a free one); `url` (ending `/v1`) is the `baseUrl`."""

    def __init__(self, ledger: Path, port: int = 0) -> None:
        ledger.parent.mkdir(parents=True, exist_ok=True)
        ledger.touch()
        self.state = StandInState(ledger=ledger)
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self.state))
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="stand-in-openai", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def plan(self, *calls: PlannedCompletion) -> None:
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

    def start(self) -> StandInOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@contextmanager
def serving(ledger: Path) -> Iterator[StandInOpenAI]:
    server = StandInOpenAI(ledger).start()
    try:
        yield server
    finally:
        server.stop()
