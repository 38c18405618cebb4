"""bheem_nb: business intelligence inside Jupyter.

    import bheem_nb as bn
    model = bn.SemanticModel.from_yaml("sales.yml")
    model.query(measures=["revenue"], dimensions=["region"]).df
"""

from bheem_nb import demo
from bheem_nb.engine import Engine, default_engine
from bheem_nb.errors import (
    BheemConnectionError,
    BheemError,
    ModelError,
    QueryError,
    QueryTimeoutError,
    SecurityError,
)
from bheem_nb.model.semantic import SemanticModel
from bheem_nb.query.spec import Filter, OrderBy, QuerySpec
from bheem_nb.result import Result
from bheem_nb.security.identity import User

__version__ = "0.1.0"

__all__ = [
    "BheemConnectionError",
    "BheemError",
    "Engine",
    "Filter",
    "ModelError",
    "OrderBy",
    "QueryError",
    "QuerySpec",
    "QueryTimeoutError",
    "Result",
    "SecurityError",
    "SemanticModel",
    "User",
    "default_engine",
    "demo",
]
