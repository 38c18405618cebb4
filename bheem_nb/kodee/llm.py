"""Talking to an OpenAI-compatible chat server (OpenAI, Azure, vLLM, Ollama...) through the ``openai`` client.

The configuration comes from :class:`LLMConfig` or the environment (``BHEEM_LLM_BASE_URL``,
``BHEEM_LLM_MODEL``, ``BHEEM_LLM_API_KEY``, ``BHEEM_LLM_TIMEOUT``). The key is never printed:
it is excluded from ``repr`` and from every error message this module raises.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

from bheem_nb.connectors.base import redact
from bheem_nb.kodee.answer import KodeeError


class LLMReplyError(KodeeError):
    """The model replied, but not with the JSON object Kodee asked for."""


class LLMUnavailableError(KodeeError):
    """The server could not be reached, refused the request or did not answer in time."""


@dataclass(frozen=True)
class LLMConfig:
    """Where the model lives: ``LLMConfig(base_url="http://127.0.0.1:8000/v1", model="qwen2.5")``."""

    base_url: str
    model: str
    api_key: str = field(default="not-needed", repr=False)
    timeout: float = 30.0
    max_retries: int = 0
    temperature: float = 0.0

    @classmethod
    def from_env(cls) -> LLMConfig | None:
        """The configuration in ``BHEEM_LLM_*`` variables, or None when no base URL or model is set."""
        base = os.environ.get("BHEEM_LLM_BASE_URL")
        model = os.environ.get("BHEEM_LLM_MODEL")
        if not base or not model:
            return None
        timeout = float(os.environ.get("BHEEM_LLM_TIMEOUT", "30"))
        return cls(base_url=base, model=model, api_key=os.environ.get("BHEEM_LLM_API_KEY") or "not-needed",
                   timeout=timeout)


class LLMClient:
    """One chat-completion call per :meth:`complete`, returning the parsed JSON object."""

    def __init__(self, config: LLMConfig) -> None:
        import openai

        self.config = config
        self._client = openai.OpenAI(base_url=config.base_url, api_key=config.api_key, timeout=config.timeout,
                                     max_retries=config.max_retries)

    def complete(self, messages: list[dict[str, str]]) -> dict[str, Any]:
        """Send ``messages``; the reply must be one JSON object (``response_format`` asks for it)."""
        import openai

        where = redact(self.config.base_url)
        sent: Any = messages
        try:
            reply = self._client.chat.completions.create(
                model=self.config.model, messages=sent,
                temperature=self.config.temperature, response_format={"type": "json_object"},
            )
        except openai.APITimeoutError:
            raise LLMUnavailableError(f"the LLM at {where} did not answer within {self.config.timeout:g} s") from None
        except openai.APIStatusError as exc:
            raise LLMUnavailableError(f"the LLM at {where} refused the request: HTTP {exc.status_code}") from None
        except openai.APIConnectionError:
            raise LLMUnavailableError(f"cannot reach the LLM at {where}; check BHEEM_LLM_BASE_URL") from None
        except openai.OpenAIError as exc:
            raise LLMUnavailableError(f"the LLM call failed: {type(exc).__name__}") from None
        if not reply.choices or reply.choices[0].message.content is None:
            raise LLMReplyError("the LLM reply had no message content")
        return parse_reply(reply.choices[0].message.content)


_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.S)


def parse_reply(text: str) -> dict[str, Any]:
    """The JSON object in ``text`` (a ```json fence around it is tolerated)."""
    body = text.strip()
    fenced = _FENCE.match(body)
    if fenced:
        body = fenced.group(1)
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        shown = body[:120].replace("\n", " ")
        raise LLMReplyError(f"the LLM reply was not valid JSON ({exc.msg} at char {exc.pos}): {shown!r}") from None
    if not isinstance(data, dict):
        raise LLMReplyError(f"the LLM reply must be a JSON object, got {type(data).__name__}")
    kind = data.get("type")
    if kind not in ("query", "sql", "none"):
        raise LLMReplyError(f"the LLM reply needs \"type\": \"query\", \"sql\" or \"none\"; got {kind!r}")
    if kind == "query" and not isinstance(data.get("query"), dict):
        raise LLMReplyError("the LLM reply of type 'query' needs a \"query\" object")
    if kind == "sql" and not isinstance(data.get("sql"), str):
        raise LLMReplyError("the LLM reply of type 'sql' needs a \"sql\" string")
    return data
