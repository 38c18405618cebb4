"""A scripted OpenAI-compatible chat server on 127.0.0.1 for Kodee's LLM tests.

``POST /v1/chat/completions`` answers with the next scripted reply (in order) and records every
request (JSON body and headers). A reply is ``{"content": text}``, optionally with ``"sleep": s``
(to outlast the client's timeout) or ``{"status": code}`` for an HTTP error.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class ScriptedLLM:
    def __init__(self) -> None:
        self.replies: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
                owner.requests.append(body)
                owner.headers.append({k.lower(): v for k, v in self.headers.items()})
                if self.path.rstrip("/") != "/v1/chat/completions" or not owner.replies:
                    self._send(404, {"error": {"message": f"no scripted reply for {self.path}"}})
                    return
                reply = owner.replies.pop(0)
                if reply.get("sleep"):
                    time.sleep(reply["sleep"])
                if "status" in reply:
                    self._send(reply["status"], {"error": {"message": "scripted failure"}})
                    return
                self._send(200, {
                    "id": f"chatcmpl-{len(owner.requests)}", "object": "chat.completion", "created": int(time.time()),
                    "model": body.get("model", "?"),
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": reply["content"]}}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                })

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def script(self, *replies: dict[str, Any] | str) -> None:
        self.replies = [{"content": r} if isinstance(r, str) else r for r in replies]
        self.requests.clear()
        self.headers.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def sent_text(self) -> str:
        """Everything the client sent in message bodies (not headers), as one string."""
        return json.dumps(self.requests)
