"""The dashboard side of the embed protocol: an invisible widget between the host page's SDK and the page.

Its front end (``js/src/embed_bridge.js``) accepts ``postMessage`` requests only from the parent
window and only from the origins the server allowed for this viewer (a synced list the kernel set;
the page changing it gains nothing: every request is checked again here, in the kernel). Requests
become custom widget messages; this class answers them through the :class:`PublishedContext`, so
the parameter policy, row-level security and the audit log apply.

Methods: getFilters, setFilters, clearFilters, refresh, exportData, getPages, setPage.

Every request gets an answer. A refusal the viewer can act on (policy, bad parameter) carries its
message; any other failure answers with a generic message and a reference, and the details (type,
message, traceback, scrubbed of passwords and tokens) go to the server log under that reference,
never to the page: no SQL, secret or traceback reaches the host page.
"""

from __future__ import annotations

import functools
import io
import logging
import os
import secrets
import sys
import traceback
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from bheem_nb.connectors.base import redact
from bheem_nb.errors import BheemError
from bheem_nb.publish.redact import redact_tokens
from bheem_nb.widgets.slicers import STATIC

if TYPE_CHECKING:
    from bheem_nb.publish.page import PublishedContext
    from bheem_nb.store.audit import AuditLog

EXPORT_FORMATS = {"csv": "text/csv", "json": "application/json"}
INTERNAL_ERROR = ("the dashboard could not answer {method} (an internal error, reference {ref}); "
                  "the dashboard owner can find the details in the server log under that reference")


class _ServerLog(logging.Handler):
    """Writes to the server's log, never to the page.

    In a kernel, ipykernel forwards ``sys.stderr`` and file descriptor 2 to the page's websocket;
    ``sys.stderr.fileno()`` is its copy of the original stderr, which Voilà's log receives.
    """

    def emit(self, record: logging.LogRecord) -> None:
        try:
            os.write(_server_fd(), (self.format(record) + "\n").encode("utf-8", "replace"))
        except Exception:
            self.handleError(record)


def _server_fd() -> int:
    for stream in (sys.stderr, sys.__stderr__):
        try:
            return int(stream.fileno())  # type: ignore[union-attr]
        except (AttributeError, OSError, ValueError):
            continue
    return 2


log = logging.getLogger("bheem_nb.publish.bridge")
log.propagate = False  # a root handler a notebook set up (basicConfig) would write to the page
if not any(isinstance(h, _ServerLog) for h in log.handlers):
    log.addHandler(_ServerLog())


@functools.cache
def _audit() -> AuditLog:
    from bheem_nb.publish.config import load_config
    from bheem_nb.store.audit import AuditLog

    return AuditLog(load_config().audit_url, background=False)


class EmbedBridge(anywidget.AnyWidget):
    """Answers the host page's SDK for one published page; shows nothing."""

    _esm = STATIC / "embed_bridge.js"
    dashboard = traitlets.Unicode("").tag(sync=True)
    origins = traitlets.List(traitlets.Unicode()).tag(sync=True)
    filters = traitlets.Dict().tag(sync=True)
    locked = traitlets.List(traitlets.Unicode()).tag(sync=True)
    pages = traitlets.List(traitlets.Unicode()).tag(sync=True)
    page = traitlets.Unicode("").tag(sync=True)

    def __init__(self, context: PublishedContext, *, pages: list[str]) -> None:
        v = context.viewer
        super().__init__(dashboard=v.dashboard, origins=list(v.origins), locked=sorted(context.locked),
                         pages=pages, page=pages[0] if pages else "")
        self.context = context
        self.on_msg(self._on_request)

    def set_state(self, sync_data: Any) -> None:
        """Ignore state sent by the page: every trait here is the kernel's (origins, filters, pages).

        Without this a forged widget message could rewrite ``origins`` and Jupyter would echo it back to the page.
        """

    def _on_request(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict) or content.get("type") != "request":
            return
        rid, method, params = str(content.get("id", "")), str(content.get("method", "")), content.get("params") or {}
        try:
            result = self.handle(method, params if isinstance(params, dict) else {})
        except (BheemError, KeyError, ValueError, TypeError) as exc:
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
            self.send({"type": "response", "id": rid, "ok": False, "error": str(message)})
            return
        except Exception as exc:  # the host page must get an answer, not a timeout
            self.send({"type": "response", "id": rid, "ok": False, "error": self._internal(exc, rid, method)})
            return
        self.send({"type": "response", "id": rid, "ok": True, "result": result})

    def _internal(self, exc: Exception, rid: str, method: str) -> str:
        """Log ``exc`` for the owner (scrubbed of passwords and tokens); the page's message names only a reference."""
        ref = secrets.token_hex(4)
        details = redact(redact_tokens("".join(traceback.format_exception(exc)).rstrip()))
        log.error("embed bridge: request %s (%s) on dashboard %r failed, reference %s:\n%s",
                  redact_tokens(rid[:64]), redact_tokens(method[:64]), self.dashboard, ref, details)
        safe = method if method.isidentifier() and len(method) <= 32 else "the request"
        return INTERNAL_ERROR.format(method=safe, ref=ref)

    def handle(self, method: str, params: dict[str, Any]) -> Any:
        """One SDK request; raises with a message the host page can show."""
        ctx = self.context
        if method == "getFilters":
            return ctx.current_filters()
        if method == "setFilters":
            values = params.get("filters")
            if not isinstance(values, dict):
                raise ValueError("setFilters needs an object of parameter -> value")
            ctx.apply(values)
            return ctx.current_filters()
        if method == "clearFilters":
            ctx.clear_all()
            return ctx.current_filters()
        if method == "refresh":
            ctx.refresh()
            return True
        if method == "exportData":
            return self.export(str(params.get("format", "csv")), int(params.get("view", 0)))
        if method == "getPages":
            return {"pages": list(self.pages), "current": self.page}
        if method == "setPage":
            ctx.show_page(str(params.get("page", "")))
            return {"pages": list(self.pages), "current": self.page}
        raise ValueError(f"unknown method {method!r}; use getFilters, setFilters, clearFilters, refresh, "
                         "exportData, getPages or setPage")

    def export(self, fmt: str, view: int = 0) -> dict[str, Any]:
        """The data of the page's ``view``-th table, as the viewer sees it (RLS, locked filters), as CSV or JSON."""
        if fmt not in EXPORT_FORMATS:
            raise ValueError(f"export format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")
        tables = [v for v in self.context._views if hasattr(v, "spec")]
        if not 0 <= view < len(tables):
            raise ValueError(f"no table #{view} on this page ({len(tables)} table(s))")
        df = self.context.query(**tables[view].spec).df
        if fmt == "csv":
            data = df.to_csv(index=False)
        else:
            buf = io.StringIO()
            df.to_json(buf, orient="records", date_format="iso")
            data = buf.getvalue()
        _audit().record("export", user=self.context.user,
                        payload={"dashboard": self.dashboard, "format": fmt, "view": view}, rows=len(df))
        return {"format": fmt, "mime": EXPORT_FORMATS[fmt], "filename": f"{self.dashboard or 'dashboard'}.{fmt}",
                "rows": len(df), "data": data}
