"""Check a model against its live connection: does every field compile and bind?

YAML validation catches shape errors; only the database knows whether ``unit_prce`` is a
column. ``model.check()`` runs one zero-row query per field so each problem is reported
against the field that causes it, before a dashboard user meets it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bheem_nb.errors import BheemError, ModelError

if TYPE_CHECKING:
    from bheem_nb.model.semantic import SemanticModel


def check_model(model: SemanticModel) -> list[str]:
    """Problems found, one line per field (empty when every field works)."""
    from bheem_nb.query.compiler import compile_query
    from bheem_nb.query.spec import QuerySpec

    connector = model.connector
    problems: list[str] = []
    for name, field in model.fields.by_qualified.items():
        kind = "dimensions" if field.__class__.__name__ == "DimensionField" else "measures"
        spec = QuerySpec.from_dict({kind: [name], "limit": 0})
        try:
            sql = compile_query(model, spec, connector.dialect).sql
            connector.execute(sql, timeout=30, max_rows=0)
        except BheemError as exc:
            problems.append(f"tables.{field.table}.{kind}.{field.name}: {exc}")
    return problems


def raise_on_problems(model: SemanticModel) -> None:
    problems = check_model(model)
    if problems:
        raise ModelError(f"model {model.name!r} does not match its database:\n  " + "\n  ".join(problems))
