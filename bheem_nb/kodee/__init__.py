"""Kodee: ask questions in plain language, get governed SQL, a chart and an explanation.

    from bheem_nb.kodee import Kodee
    Kodee(model).ask("revenue by region in 2024").df

``%load_ext bheem_nb.kodee`` adds the ``%%kodee`` cell magic; ``bheem_nb.widgets.kodee.KodeeChat`` is
the chat widget; ``bheem kodee ask|eval`` the command line.
"""

from typing import TYPE_CHECKING

from bheem_nb._lazy import lazy_exports

if TYPE_CHECKING:
    from bheem_nb.kodee.answer import Answer, KodeeError
    from bheem_nb.kodee.kodee import Kodee
    from bheem_nb.kodee.llm import LLMConfig, LLMReplyError, LLMUnavailableError
    from bheem_nb.kodee.magic import load_ipython_extension

__getattr__, __dir__ = lazy_exports(__name__, {
    "Answer": "bheem_nb.kodee.answer",
    "KodeeError": "bheem_nb.kodee.answer",
    "Kodee": "bheem_nb.kodee.kodee",
    "LLMConfig": "bheem_nb.kodee.llm",
    "LLMReplyError": "bheem_nb.kodee.llm",
    "LLMUnavailableError": "bheem_nb.kodee.llm",
    "load_ipython_extension": "bheem_nb.kodee.magic",
})

__all__ = ["Answer", "Kodee", "KodeeError", "LLMConfig", "LLMReplyError", "LLMUnavailableError",
           "load_ipython_extension"]
