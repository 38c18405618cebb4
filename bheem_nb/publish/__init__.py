"""Publishing notebooks as dashboards: Voilà serving, viewer identity, embed tokens, the embed bridge, usage.

    bheem serve dashboards/ --config publish.yml          # Voilà + the bheem template + the prelaunch hook
    bheem embed-token --dashboard sales --user alice@acme.com --ttl 1h

    from bheem_nb.publish import published_context, viewer
    page = published_context(model)                       # the page's filters, as the verified viewer
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bheem_nb._lazy import lazy_exports

if TYPE_CHECKING:
    from bheem_nb.publish.config import PublishConfig, PublishConfigError, load_config
    from bheem_nb.publish.page import PublishedContext
    from bheem_nb.publish.policy import DashboardPolicy, ParameterError
    from bheem_nb.publish.revocations import Revocations
    from bheem_nb.publish.session import Viewer, viewer
    from bheem_nb.publish.tokens import EmbedClaims, EmbedTokenError, create_embed_token, verify_embed_token
    from bheem_nb.publish.usage import Usage, dashboard_usage

__getattr__, __dir__ = lazy_exports(__name__, {
    "PublishConfig": "bheem_nb.publish.config",
    "PublishConfigError": "bheem_nb.publish.config",
    "load_config": "bheem_nb.publish.config",
    "DashboardPolicy": "bheem_nb.publish.policy",
    "ParameterError": "bheem_nb.publish.policy",
    "Revocations": "bheem_nb.publish.revocations",
    "Viewer": "bheem_nb.publish.session",
    "viewer": "bheem_nb.publish.session",
    "EmbedClaims": "bheem_nb.publish.tokens",
    "EmbedTokenError": "bheem_nb.publish.tokens",
    "create_embed_token": "bheem_nb.publish.tokens",
    "verify_embed_token": "bheem_nb.publish.tokens",
    "Usage": "bheem_nb.publish.usage",
    "dashboard_usage": "bheem_nb.publish.usage",
})


def published_context(model: Any, **kw: Any) -> PublishedContext:
    """The page's filter context for the server-verified viewer (see :mod:`bheem_nb.publish.page`).

    Imported lazily: the token and CLI code must not need the widget stack.
    """
    from bheem_nb.publish.page import published_context as build

    return build(model, **kw)


__all__ = [
    "DashboardPolicy",
    "EmbedClaims",
    "EmbedTokenError",
    "ParameterError",
    "PublishConfig",
    "PublishConfigError",
    "Revocations",
    "Usage",
    "Viewer",
    "create_embed_token",
    "dashboard_usage",
    "load_config",
    "published_context",
    "verify_embed_token",
    "viewer",
]
