"""The ``%%kodee`` cell magic: the cell's text is the question, the line names the model variable.

    %load_ext bheem_nb.kodee
    %%kodee model
    top 5 countries by revenue in 2024

``%%kodee model --as alice@acme.com`` asks as that user. Consecutive cells on the same model and
user share one conversation, so the next cell can say "now only Europe".
"""

from __future__ import annotations

import shlex
from typing import Any

_SESSIONS: dict[tuple[int, str], Any] = {}


def kodee_magic(line: str, cell: str, namespace: dict[str, Any]) -> Any:
    """Ask ``cell`` of the model named on ``line``; returns the Answer (shown as HTML) and displays its chart."""
    from bheem_nb.kodee.answer import Answer, KodeeError
    from bheem_nb.kodee.kodee import Kodee
    from bheem_nb.model.semantic import SemanticModel

    args = shlex.split(line)
    if not args:
        raise KodeeError("%%kodee needs the model variable: %%kodee model [--as user]")
    name, user = args[0], None
    if len(args) >= 3 and args[1] == "--as":
        user = args[2]
    model = namespace.get(name)
    if not isinstance(model, SemanticModel):
        raise KodeeError(f"%%kodee: {name!r} is not a SemanticModel in this notebook")
    key = (id(model), user or "")
    kodee = _SESSIONS.get(key)
    if kodee is None:
        kodee = _SESSIONS[key] = Kodee(model, user=user, llm="env")
    answer: Answer = kodee.ask(cell.strip())
    if answer.chart is not None:
        _show_chart(answer.chart)
    return answer


def _show_chart(spec: dict[str, Any]) -> None:
    try:
        import altair as alt
        from IPython.display import display
    except ImportError:  # no notebook front end: the Answer's table is enough
        return
    display(alt.Chart.from_dict(spec))  # type: ignore[no-untyped-call]


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%%kodee`` (``%load_ext bheem_nb.kodee``)."""

    def _magic(line: str, cell: str) -> Any:
        return kodee_magic(line, cell, ipython.user_ns)

    ipython.register_magic_function(_magic, magic_kind="cell", magic_name="kodee")
