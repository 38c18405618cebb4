"""Usage analytics from the audit log: who opened which dashboard, how often, and what was refused.

    usage = dashboard_usage(AuditLog("sqlite:///bheem_audit.sqlite"))
    usage.views            # DataFrame: dashboard, user, views, first_view, last_view
    usage.by_dashboard     # DataFrame: dashboard, views, viewers
    usage.refused          # DataFrame: dashboard, reason, attempts

Views are the ``view`` rows the prelaunch hook writes when a page opens (one per page load);
refusals are its ``auth`` rows. Everything is computed here from the rows, not stored.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from bheem_nb.store.audit import AuditLog

ANONYMOUS = "(anonymous)"


@dataclass(frozen=True)
class Usage:
    """Views per dashboard and user, per dashboard, and refused openings."""

    views: pd.DataFrame
    by_dashboard: pd.DataFrame
    refused: pd.DataFrame

    def format(self) -> str:
        """A plain-text report for the terminal."""
        if self.views.empty and self.refused.empty:
            return "no dashboard views recorded yet"
        parts = ["Views per dashboard", self.by_dashboard.to_string(index=False), "",
                 "Views per dashboard and user", self.views.to_string(index=False)]
        if not self.refused.empty:
            parts += ["", "Refused openings", self.refused.to_string(index=False)]
        return "\n".join(parts)


def _payload(row: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(row.get("payload") or "{}")
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def dashboard_usage(audit: AuditLog, *, since: dt.datetime | None = None, until: dt.datetime | None = None,
                    dashboard: str | None = None) -> Usage:
    """Aggregate the audit log's ``view`` and ``auth`` rows (optionally for one dashboard and period)."""
    views = [
        {"dashboard": _payload(r).get("dashboard", ""), "user": r["user_email"] or r["user_id"] or ANONYMOUS,
         "ts": r["ts"]}
        for r in audit.events(action="view", since=since, until=until)
    ]
    refused = [
        {"dashboard": _payload(r).get("dashboard", ""), "reason": _payload(r).get("reason", "")}
        for r in audit.events(action="auth", since=since, until=until) if r["status"] == "error"
    ]
    v = pd.DataFrame(views, columns=["dashboard", "user", "ts"])
    f = pd.DataFrame(refused, columns=["dashboard", "reason"])
    if dashboard is not None:
        v, f = v[v["dashboard"] == dashboard], f[f["dashboard"] == dashboard]
    per_user = (v.groupby(["dashboard", "user"], as_index=False)
                .agg(views=("ts", "size"), first_view=("ts", "min"), last_view=("ts", "max"))
                .sort_values(["dashboard", "views", "user"], ascending=[True, False, True], ignore_index=True))
    per_dash = (v.groupby("dashboard", as_index=False).agg(views=("ts", "size"), viewers=("user", "nunique"))
                .sort_values(["views", "dashboard"], ascending=[False, True], ignore_index=True))
    refused_counts = (f.groupby(["dashboard", "reason"], as_index=False).size()
                      .rename(columns={"size": "attempts"}))
    return Usage(views=per_user, by_dashboard=per_dash, refused=refused_counts)
