"""The planted-effects database (tests/insights/planted.py) for every test of this folder."""

from tests.insights.planted import planted

__all__ = ["planted"]
