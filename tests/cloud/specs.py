"""Every query of the engine, time-intelligence and RLS suites as data, for the dialect suites.

Built from the same tables those suites parametrise over (``AGGS``, ``DIM_FILTERS``, ``GRAINS``,
``MODS``, the users of the RLS model), so a query added there is picked up here; the specs
whose arguments are written inline in a test are repeated below with the test they mirror.
A case names the model variant it runs on: ``shop`` (``tests/query``'s model), ``fiscal4``
(fiscal year from April), ``trusting`` (joins with referential integrity), ``ti_extra``
(model-level TI measures), ``divisor`` (derived measures dividing by a count that is 0 in some
groups) or ``secure`` (the RLS model).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import bheem_nb as bn
from tests.query.conftest import MODEL, joined
from tests.query.test_engine_backends import AGGS, DIM_FILTERS, GRAINS
from tests.query.test_time_intelligence import MODS
from tests.security.conftest import SECURE_MODEL, USER_IDS


@dataclass(frozen=True)
class Case:
    """One query: ``query`` holds the keyword arguments of ``SemanticModel.query``."""

    id: str
    query: dict[str, Any] = field(default_factory=dict)
    model: str = "shop"
    user: str | None = None
    sql: str | None = None  # raw SQL through model.sql instead of a semantic query

    def run(self, model: bn.SemanticModel) -> bn.Result:
        if self.sql is not None:
            return model.sql(self.sql, user=self.user)
        return model.query(**copy.deepcopy(self.query), **({"user": self.user} if self.user else {}))


def _with_measures(spec: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    spec = copy.deepcopy(spec)
    spec["tables"]["orders"]["measures"].update(extra)
    return spec


#: revenue per paid order: by status the divisor is 0 outside "paid" (Spark 4's ANSI mode raises on x / 0)
ZERO_DIVISOR_MEASURES = {"per_paid_order": {"expr": "revenue / paid_orders"},
                         "per_paid_order_formula": {"formula": "revenue / paid_orders"}}


def model_specs() -> dict[str, dict[str, Any]]:
    """The model variants the cases name."""
    fiscal = {**copy.deepcopy(MODEL), "calendar": {"fiscal_year_start_month": 4}}
    trusting = copy.deepcopy(MODEL)
    for join in trusting["joins"]:
        join["referential_integrity"] = True
    ti_extra = _with_measures(MODEL, {"revenue_ytd": {"base": "revenue", "ti": "ytd"},
                                      "revenue_r3": {"base": "revenue", "ti": "rolling(3, month)"}})
    growth = {"formula": "DIVIDE(revenue - SAMEPERIODLASTYEAR(revenue), SAMEPERIODLASTYEAR(revenue)) * 100"}
    return {"shop": copy.deepcopy(MODEL), "fiscal4": fiscal, "trusting": trusting, "ti_extra": ti_extra,
            "divisor": _with_measures(MODEL, ZERO_DIVISOR_MEASURES),
            "secure": _with_measures(SECURE_MODEL, {"growth": growth})}


def _filter_id(f: bn.Filter) -> str:
    return f"{f.field}{f.op}{list(f.values)}"


def _measure_filter_thresholds() -> dict[str, bn.Filter]:
    """The group filters of test_measure_filters_act_on_groups, thresholds computed as there."""
    j = joined()
    by = j.groupby(["region", "segment"], dropna=False)
    rev = by["revenue"].sum()
    aov = rev / by["order_id"].nunique()
    return {"revenue>": bn.Filter("revenue", ">", float(rev.median())),
            "revenue_between": bn.Filter("revenue", "between", [float(rev.quantile(0.25)), float(rev.quantile(0.75))]),
            "aov<": bn.Filter("aov", "<", float(aov.median()))}


def engine_cases() -> list[Case]:
    """tests/query/test_engine_backends.py."""
    cases = [Case(f"agg-{m}", {"measures": [m], "dimensions": ["region"]}) for m in AGGS]
    cases += [
        Case("derived", {"measures": ["revenue", "orders", "aov", "paid_share"], "dimensions": ["segment"]}),
        Case("derived-empty", {"measures": ["aov"], "dimensions": ["region"],
                               "filters": [bn.Filter("status", "=", "nope")]}),
        Case("derived-zero", {"measures": ["paid_share"], "dimensions": ["status"]}),
        Case("derived-zero-divisor", {"measures": list(ZERO_DIVISOR_MEASURES), "dimensions": ["status"]}, "divisor"),
    ]
    cases += [Case(f"filter-{_filter_id(f)}", {"measures": ["revenue", "orders"], "dimensions": ["segment"],
                                               "filters": [f], "as_of": "2024-06-30"}) for f, _ in DIM_FILTERS]
    cases.append(Case("filters-and", {"measures": ["orders"], "filters": [bn.Filter("status", "!=", "paid"),
                                                                           bn.Filter("region", "=", "North")]}))
    cases += [Case(f"group-filter-{k}", {"measures": ["revenue"], "dimensions": ["region", "segment"], "filters": [f]})
              for k, f in _measure_filter_thresholds().items()]
    cases += [Case(f"grain-{g}", {"measures": ["revenue"], "dimensions": [f"order_date.{g}"]}) for g in GRAINS]
    cases += [Case(f"fiscal-april-{g}", {"measures": ["orders"], "dimensions": [f"order_date.{g}"]}, "fiscal4")
              for g in ("fiscal_year", "fiscal_quarter")]
    cases += [
        Case("fan-out-total", {"measures": ["credit"]}),
        Case("fan-out-by-channel", {"measures": ["credit", "customers"], "dimensions": ["channel"]}),
        Case("two-tables", {"measures": ["revenue", "credit", "aov"], "dimensions": ["region"]}),
        Case("dimensions-only", {"dimensions": ["region", "category"]}),
        Case("order-limit", {"measures": ["revenue"], "dimensions": ["customers.region", "segment"],
                             "order": [("revenue", "desc")], "limit": 3}),
        Case("three-part-names", {"measures": ["revenue"], "dimensions": ["customers.region", "orders.order_date.year"],
                                  "filters": [{"field": "segment", "op": "in", "values": ["Consumer"]}],
                                  "order": [{"field": "revenue", "desc": True}], "limit": 100,
                                  "as_of": "2024-06-30"}),
        Case("referential-integrity", {"measures": ["orders"], "dimensions": ["region"]}, "trusting"),
        Case("count-primary-key", {"measures": ["orders", "customers"], "dimensions": ["channel"]}),
    ]
    return cases


def ti_cases() -> list[Case]:
    """tests/query/test_time_intelligence.py."""
    cases = [Case(f"ti-month-{m}", {"measures": ["revenue", f"revenue:{m}"], "dimensions": ["order_date.month"]})
             for m in MODS]
    for grain, mods in [
        ("quarter", ["ytd", "pytd", "qtd", "pqtd", "py", "yoy_pct", "qoq", "running_total", "moving_avg(2)"]),
        ("year", ["ytd", "py", "yoy", "yoy_pct", "running_avg", "rolling(2, year)", "diff_from_previous"]),
        ("week", ["ytd", "mtd", "wtd", "pmtd", "wow_pct", "py", "rolling(4, week)", "rolling(1, month)"]),
    ]:
        cases.append(Case(f"ti-{grain}-by-region", {"measures": [f"revenue:{m}" for m in mods],
                                                     "dimensions": ["region", f"order_date.{grain}"]}))
    for grain in ("month", "fiscal_quarter", "fiscal_year"):
        mods = ["ytd", "pytd", "ytd_growth_pct", "py", "yoy_pct"] + (["qtd", "pqtd"] if grain != "fiscal_year" else [])
        cases.append(Case(f"ti-fiscal4-{grain}", {"measures": ["revenue", *[f"revenue:{m}" for m in mods]],
                                                  "dimensions": [f"order_date.{grain}"]}, "fiscal4"))
    for measure in ("avg_price", "order_rows", "min_price", "max_price", "units"):
        mods = ["ytd", "pytd", "rolling(3, month)", "py", "qoq_pct", "running_avg"]
        cases.append(Case(f"ti-agg-{measure}", {"measures": [measure, *[f"{measure}:{m}" for m in mods]],
                                                "dimensions": ["order_date.quarter"]}))
    spine_filters = [bn.Filter("order_date", "date_range", ["2022-11-05", "2023-09-20"]),
                     bn.Filter("order_date.month", "not_in", ["2023-03-01", "2023-04-01", "2023-05-01", "2023-06-01"])]
    cases += [
        Case("ti-filters-before", {"measures": ["revenue:ytd", "revenue:pytd", "revenue:yoy_pct"],
                                   "dimensions": ["order_date.month"], "filters": [bn.Filter("region", "=", "North")]}),
        Case("ti-spine-in-range", {"measures": ["revenue", "revenue:running_total", "revenue:rolling(3, month)",
                                                "revenue:mom"], "dimensions": ["order_date.month"],
                                   "filters": spine_filters}),
        Case("ti-shares", {"measures": ["revenue", "revenue:share_of_total", "revenue:rank", "revenue:pct_of_parent"],
                           "dimensions": ["region", "order_date.year"]}),
        Case("ti-parent-quarter", {"measures": ["revenue", "revenue:pct_of_parent"],
                                   "dimensions": ["order_date.month"]}),
        Case("ti-share-no-time", {"measures": ["revenue", "revenue:share_of_total", "revenue:rank"],
                                  "dimensions": ["segment"]}),
        Case("ti-as-of", {"measures": [f"revenue:{m}" for m in
                                       ["ytd", "pytd", "qtd", "mtd", "pmtd", "wtd", "ytd_growth_pct", "yoy", "mom_pct",
                                        "rolling(3, month)", "running_total"]],
                          "dimensions": ["region"], "as_of": "2024-02-29"}),
        Case("ti-model-measures", {"measures": ["revenue_ytd", {"measure": "revenue", "ti": "qtd"}, "revenue_r3",
                                                "revenue:pytd"], "dimensions": ["order_date.quarter"],
                                   "order": [("revenue_ytd", "desc")], "limit": 5}, "ti_extra"),
        Case("ti-measure-filter", {"measures": ["revenue", "revenue:yoy_pct"], "dimensions": ["order_date.month"],
                                   "filters": [bn.Filter("revenue:yoy_pct", ">", 10)]}),
        Case("ti-derived", {"measures": ["paid_share", "paid_share:py"], "dimensions": ["order_date.year"]}),
        Case("ti-two-tables", {"measures": ["revenue:ytd", "credit", "customers:py"],
                               "dimensions": ["order_date.year"]}),
        Case("ti-year-month", {"measures": ["revenue", "revenue:ytd", "revenue:pct_of_parent"],
                               "dimensions": ["order_date.fiscal_year", "order_date.quarter", "order_date.month"]},
             "fiscal4"),
    ]
    return cases


def rls_cases() -> list[Case]:
    """tests/security/test_rls_adversarial.py and tests/query/test_time_intelligence_rls.py."""
    cases: list[Case] = []
    for uid in USER_IDS:
        cases += [
            Case(f"rls-total-{uid}", {"measures": ["revenue"]}, "secure", uid),
            Case(f"rls-by-region-{uid}", {"measures": ["revenue"], "dimensions": ["customers.region"]}, "secure", uid),
            Case(f"rls-raw-sql-{uid}", model="secure", user=uid,
                 sql="SELECT SUM(quantity * unit_price * (1 - discount)) AS revenue FROM orders"),
        ]
    cases += [
        Case("rls-slicer-options", {"dimensions": ["customers.region"]}, "secure", "u_dave"),
        Case("rls-propagation", {"measures": ["order_rows"], "dimensions": ["orders.status"]}, "secure", "u_alice"),
        Case("rls-injection-filter", {"measures": ["customers.customers"],
                                      "filters": [bn.Filter("region", "=", "North' OR 1=1 --")]}, "secure", "u_root"),
    ]
    for uid in ["u_alice", "u_bob", "u_carol", "u_eve", "u_root"]:
        cases.append(Case(f"rls-ti-{uid}", {"measures": ["revenue", "revenue:ytd", "revenue:pytd", "revenue:yoy_pct",
                                                         "revenue:rolling(3, month)", "growth"],
                                            "dimensions": ["order_date.month"]}, "secure", uid))
    return cases


#: the dashboard query whose SQL docs/cloud.md shows in every dialect (run on every backend as "doc-dashboard")
DOC_QUERY: dict[str, Any] = {"measures": ["revenue", "orders"], "dimensions": ["customers.region", "order_date.month"],
                             "filters": [{"field": "segment", "op": "=", "values": ["Consumer"]},
                                         {"field": "order_date", "op": "date_range",
                                          "values": ["2024-01-01", "2024-06-30"]}]}

CASES: list[Case] = engine_cases() + ti_cases() + rls_cases() + [Case("doc-dashboard", DOC_QUERY)]
#: aggregates a dialect refuses at compile time (a clear QueryError), so no result to compare
REFUSED: dict[str, set[str]] = {"mysql": {"median_price", "p90_price"}, "bigquery": {"median_price", "p90_price"}}


def refused(case: Case, dialect: str) -> bool:
    """Whether ``case`` asks for an aggregate ``dialect`` has no equivalent of."""
    names = {m if isinstance(m, str) else m.get("measure", "") for m in case.query.get("measures", [])}
    return bool({n.split(":")[0] for n in names} & REFUSED.get(dialect, set()))
