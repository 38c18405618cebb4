"""Kodee: ask questions in plain language, get governed SQL, a chart and an explanation.

    from bheem_nb.kodee import Kodee
    Kodee(model).ask("revenue by region in 2024").df

``%load_ext bheem_nb.kodee`` adds the ``%%kodee`` cell magic; ``bheem_nb.widgets.kodee.KodeeChat`` is
the chat widget; ``bheem kodee ask|eval`` the command line.
"""

from bheem_nb.kodee.answer import Answer, KodeeError
from bheem_nb.kodee.kodee import Kodee
from bheem_nb.kodee.llm import LLMConfig, LLMReplyError, LLMUnavailableError
from bheem_nb.kodee.magic import load_ipython_extension

__all__ = ["Answer", "Kodee", "KodeeError", "LLMConfig", "LLMReplyError", "LLMUnavailableError",
           "load_ipython_extension"]
