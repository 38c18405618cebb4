"""Option pages of the choice slicers, and the single-select dropdown, checked against hand-written SQL.

The reference is plain DuckDB SQL on a read-only copy of the same 20k-row demo, never the
engine: walking every page of a slicer ("Show more" until there is no more) must give exactly
that query's list of values and counts, in order, each page at most ``page_size`` long.
``_handle_custom_msg`` is where the browser's "Show more" message lands in the kernel.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import traitlets
from bheem_nb.widgets import Dashboard, Dropdown, FilterContext

import bheem_nb as bn

AS_OF = "2025-12-31"
Raw = Callable[[str], list[tuple[Any, ...]]]
ORDERS = "FROM orders o JOIN customers c USING (customer_id)"


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> bn.SemanticModel:
    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BHEEM_DEMO_DIR", str(folder))
        return bn.demo.model(rows=20_000)


@pytest.fixture(scope="module")
def raw(model: bn.SemanticModel, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Raw]:
    """Hand-written SQL on a read-only copy of the demo database."""
    db = Path(model.base_dir) / str(model.spec.connection).removeprefix("duckdb:///")
    copy = tmp_path_factory.mktemp("reference") / "reference.duckdb"
    shutil.copyfile(db, copy)
    con = duckdb.connect(str(copy), read_only=True)
    yield lambda sql: con.execute(sql).fetchall()
    con.close()


def more(slicer: Dropdown) -> None:
    """What the browser's "Show more" button sends, for the list it shows."""
    slicer._handle_custom_msg({"event": "more", "search": slicer.search, "shown": len(slicer.options)}, [])


def walk(slicer: Dropdown) -> list[list[dict[str, Any]]]:
    """Every page, by pressing "Show more" until the slicer has no more."""
    pages = [list(slicer.options)]
    while slicer.has_more:
        shown = len(slicer.options)
        more(slicer)
        pages.append(slicer.options[shown:])
        assert pages[-1], "has_more promised a page that did not come"
        assert len(pages) < 500, "paging does not end"
    return pages


def check_pages(pages: list[list[dict[str, Any]]], want: list[tuple[Any, ...]], size: int) -> None:
    got = [(o["value"], o["count"]) for p in pages for o in p]
    assert got == [tuple(w) for w in want]  # every match, in order: no gap, no duplicate
    assert all(len(p) == size for p in pages[:-1]) and 1 <= len(pages[-1]) <= size
    assert len(pages) == max(1, math.ceil(len(want) / size))


def test_search_pages_together_are_every_match_in_order(model: bn.SemanticModel, raw: Raw) -> None:
    page = Dashboard(model, as_of=AS_OF)
    customer = page.search("customers.name", page_size=7)
    customer.set_state({"search": "ma"})
    assert customer.has_more and customer.total == -1 and len(customer.options) == 7
    want = raw(f"SELECT c.name, count(*) {ORDERS} WHERE lower(c.name) LIKE '%ma%' GROUP BY 1 ORDER BY 1")
    assert len(want) > 3 * 7, "the demo should have several pages of names with 'ma'"
    check_pages(walk(customer), want, 7)
    assert not customer.has_more and customer.total == len(want)
    assert page.filters == []  # paging is not filtering


@pytest.mark.parametrize(("kind", "field", "value", "where"), [
    (None, "", [], ""),
    ("tile", "channel", ["online"], "WHERE o.channel = 'online'"),
    ("dropdown", "region", ["Europe"], "WHERE c.region = 'Europe'"),
    ("date_range", "order_date", ["2024-03-01", "2024-03-31"],
     "WHERE o.order_date BETWEEN '2024-03-01' AND '2024-03-31'"),
    ("date_range", "order_date", ["2024-03-05", "2024-03-05"], "WHERE o.order_date = '2024-03-05'"),
])
def test_dropdown_pages_follow_the_other_slicers(model: bn.SemanticModel, raw: Raw, kind: str | None, field: str,
                                                 value: list[str], where: str) -> None:
    """All 1,000 e-mails (two customers have no orders) in pages of 37, narrowed by another slicer:
    a month or a single day leaves most e-mails without orders, so pages are found over wider ranges."""
    page = Dashboard(model, as_of=AS_OF)
    email = page.dropdown("email", page_size=37)
    if kind is not None:
        page.slicer(kind, field).value = value
    want = raw(f"SELECT c.email, count(*) {ORDERS} {where} GROUP BY 1 ORDER BY 1")
    check_pages(walk(email), want, 37)


def test_search_pages_under_a_selective_filter(model: bn.SemanticModel, raw: Raw) -> None:
    page = Dashboard(model, as_of=AS_OF)
    page.date_range("order_date").value = ["2024-03-01", "2024-03-10"]
    customer = page.search("customers.email", page_size=4)
    customer.set_state({"search": "an"})
    want = raw(f"SELECT c.email, count(*) {ORDERS} WHERE o.order_date BETWEEN '2024-03-01' AND '2024-03-10' "
               "AND lower(c.email) LIKE '%an%' GROUP BY 1 ORDER BY 1")
    assert len(want) > 2 * 4
    check_pages(walk(customer), want, 4)


def test_blank_e_mails_come_last(model: bn.SemanticModel, tmp_path: Path) -> None:
    """A dimension-table field with blanks: the blank is one option, after the last page of values."""
    db = Path(model.base_dir) / str(model.spec.connection).removeprefix("duckdb:///")
    shutil.copyfile(db, tmp_path / "blanks.duckdb")
    with duckdb.connect(str(tmp_path / "blanks.duckdb")) as con:
        con.execute("UPDATE customers SET email = NULL WHERE customer_id % 7 = 0")
        want = con.execute(f"SELECT c.email, count(*) {ORDERS} GROUP BY 1 ORDER BY 1 NULLS LAST").fetchall()
    spec = model.to_dict()
    spec["connection"] = "duckdb:///blanks.duckdb"
    blanks = bn.SemanticModel.from_dict(spec, base_dir=tmp_path)
    email = Dashboard(blanks, as_of=AS_OF).dropdown("email", page_size=50)
    assert want[-1][0] is None
    check_pages(walk(email), want, 50)
    assert email.options[-1]["label"] == "(blank)"


def test_blank_values_come_last_across_pages(model: bn.SemanticModel, raw: Raw) -> None:
    """Pending orders have no ship date: their blank is the last option, after the last page of months."""
    page = Dashboard(model, as_of=AS_OF)
    shipped = page.dropdown("ship_date.month", page_size=10)
    pages = walk(shipped)
    want = raw("SELECT date_trunc('month', ship_date), count(*) FROM orders GROUP BY 1 ORDER BY 1 NULLS LAST")
    assert want[-1][0] is None, "the demo should have orders without a ship date"
    got = [(None if o["value"] is None else str(o["value"])[:10], o["count"]) for p in pages for o in p]
    assert got == [(None if v is None else str(v)[:10], n) for v, n in want]
    assert pages[-1][-1]["label"] == "(blank)" and all(len(p) <= 10 for p in pages)


def test_more_is_dropped_for_an_older_list_and_a_new_search_starts_again(model: bn.SemanticModel,
                                                                          raw: Raw) -> None:
    customer = Dashboard(model, as_of=AS_OF).search("customers.name", page_size=5)
    customer.set_state({"search": "ma"})
    first = list(customer.options)
    customer._handle_custom_msg({"event": "more", "search": "mar", "shown": 5}, [])  # sent before "mar" arrived
    assert customer.options == first
    more(customer)
    second = list(customer.options)
    assert len(second) == 10 and second[:5] == first
    customer._handle_custom_msg({"event": "more", "search": "ma", "shown": 5}, [])  # a double click's second half
    assert customer.options == second
    customer.set_state({"search": "li"})
    want = raw(f"SELECT c.name, count(*) {ORDERS} WHERE lower(c.name) LIKE '%li%' GROUP BY 1 ORDER BY 1 LIMIT 6")
    assert [(o["value"], o["count"]) for o in customer.options] == [tuple(w) for w in want[:5]]
    assert customer.has_more == (len(want) > 5)
    customer.set_state({"search": ""})
    assert customer.options == [] and not customer.has_more


def test_an_rls_user_pages_only_through_their_rows(model: bn.SemanticModel, raw: Raw) -> None:
    spec = model.to_dict()
    spec["rls"] = {"rules": [{"name": "region_scope", "table": "customers",
                              "filter": "region = USERLOOKUP('region')", "assign": [{"group": "managers"}]}]}
    spec["users"] = [{"id": "u1", "email": "alice@acme.com", "groups": ["managers"],
                      "attributes": {"region": "Europe"}}]
    secured = bn.SemanticModel.from_dict(spec, base_dir=model.base_dir)
    customer = Dashboard(secured, user="alice@acme.com", as_of=AS_OF).search("customers.name", page_size=6)
    customer.set_state({"search": "ma"})
    pages = walk(customer)
    match = "lower(c.name) LIKE '%ma%'"
    check_pages(pages, raw(f"SELECT c.name, count(*) {ORDERS} WHERE {match} AND c.region = 'Europe' "
                           "GROUP BY 1 ORDER BY 1"), 6)
    elsewhere = {r[0] for r in raw(f"SELECT c.name {ORDERS} WHERE {match} GROUP BY 1 "
                                   "HAVING bool_and(c.region <> 'Europe')")}
    assert elsewhere, "the demo should have names with 'ma' only outside Europe"
    assert not elsewhere & {o["value"] for p in pages for o in p}


def category_rows(raw: Raw, where: str) -> list[list[Any]]:
    rows = raw("SELECT p.category, sum(o.quantity * o.unit_price * (1 - o.discount)), count(*) FROM orders o "
               f"JOIN customers c USING (customer_id) JOIN products p USING (product_id) {where} GROUP BY 1 ORDER BY 1")
    return [[cat, pytest.approx(float(rev)), int(n)] for cat, rev, n in rows]


def test_single_select_dropdown(model: bn.SemanticModel, raw: Raw) -> None:
    page = FilterContext(model, as_of=AS_OF)
    region = page.dropdown("region", multi=False)
    table = page.table(measures=["revenue", "orders"], dimensions=["category"], order=[("category", "asc")])

    def shown() -> list[list[Any]]:
        return [[cell["value"] for cell in row] for row in table.rows]

    assert region.get_state()["multi"] is False and region.value == []
    assert [o["value"] for o in region.options] == [r[0] for r in raw("SELECT DISTINCT region FROM customers "
                                                                      "ORDER BY 1")]
    region.set_state({"value": ["Europe"]})  # the radio button the browser sends
    assert region.get_state()["value"] == ["Europe"]
    assert page.filters == [bn.Filter("region", "=", "Europe")]
    sql = model.to_sql(measures=["orders"], filters=page.filters)
    assert "= 'Europe'" in sql and " IN " not in sql.upper()
    assert shown() == category_rows(raw, "WHERE c.region = 'Europe'")
    region.set_state({"value": ["Asia Pacific"]})  # another radio replaces the pick
    assert page.filters == [bn.Filter("region", "=", "Asia Pacific")]
    assert shown() == category_rows(raw, "WHERE c.region = 'Asia Pacific'")
    with pytest.raises(traitlets.TraitError, match=r"single-select.*got 2"):
        region.set_state({"value": ["Europe", "Asia Pacific"]})
    assert region.value == ["Asia Pacific"] and shown() == category_rows(raw, "WHERE c.region = 'Asia Pacific'")
    region.set_state({"value": []})
    assert page.filters == [] and shown() == category_rows(raw, "")
    assert page.dropdown("segment").multi  # multi-select stays the default
