"""bheem_nb: business intelligence inside Jupyter.

    import bheem_nb as bn
    model = bn.SemanticModel.from_yaml("sales.yml")
    model.query(measures=["revenue"], dimensions=["region"]).df
    bn.chart("bar", x="region", y="revenue").to_svg(model)
    bn.Kodee(model).ask("revenue by month in 2024")
    bheem_nb.insights.insights(model, "revenue", ["region", "channel"])

The features beyond the core (charts, Kodee, insights, the scheduler, publishing) load on first use.
"""

from typing import TYPE_CHECKING

from bheem_nb import demo
from bheem_nb._lazy import lazy_exports
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

if TYPE_CHECKING:
    from bheem_nb.charts import Chart, ChartSpec, ConditionalFormat, chart
    from bheem_nb.charts.drill import DrillConfig
    from bheem_nb.cloud.profiles import connect_profile
    from bheem_nb.cloud.redis_cache import RedisCache
    from bheem_nb.kodee import Answer, Kodee, LLMConfig
    from bheem_nb.publish import create_embed_token, verify_embed_token
    from bheem_nb.scheduler import Scheduler

__getattr__, __dir__ = lazy_exports(__name__, {
    "chart": "bheem_nb.charts",
    "Chart": "bheem_nb.charts",
    "ChartSpec": "bheem_nb.charts",
    "ConditionalFormat": "bheem_nb.charts",
    "DrillConfig": "bheem_nb.charts.drill",
    "connect_profile": "bheem_nb.cloud.profiles",
    "RedisCache": "bheem_nb.cloud.redis_cache",
    "Kodee": "bheem_nb.kodee",
    "Answer": "bheem_nb.kodee",
    "LLMConfig": "bheem_nb.kodee",
    "Scheduler": "bheem_nb.scheduler",
    "create_embed_token": "bheem_nb.publish",
    "verify_embed_token": "bheem_nb.publish",
})

__version__ = "0.1.0"

__all__ = [
    "Answer",
    "BheemConnectionError",
    "BheemError",
    "Chart",
    "ChartSpec",
    "ConditionalFormat",
    "DrillConfig",
    "Engine",
    "Filter",
    "Kodee",
    "LLMConfig",
    "ModelError",
    "OrderBy",
    "QueryError",
    "QuerySpec",
    "QueryTimeoutError",
    "RedisCache",
    "Result",
    "Scheduler",
    "SecurityError",
    "SemanticModel",
    "User",
    "chart",
    "connect_profile",
    "create_embed_token",
    "default_engine",
    "demo",
    "verify_embed_token",
]
