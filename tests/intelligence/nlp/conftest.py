"""The NLP tests share one loaded model and one segmenter per test session."""

from __future__ import annotations

import pytest

from rapport.intelligence.nlp import DomainDictionary
from rapport.intelligence.nlp.sentiment import SentimentModel, default_model


@pytest.fixture(scope="session")
def model() -> SentimentModel:
    """The shipped sentiment model (cached by the library for the process)."""
    return default_model()


@pytest.fixture(scope="session")
def dictionary() -> DomainDictionary:
    """Products, competitors and customers as the CRM would give them."""
    return DomainDictionary(
        products={"云枢 ERP": ["云枢", "YunShu"], "智仓 WMS": ["智仓"]},
        competitors={"金蝶": ["Kingdee"], "SAP": []},
        customers=["华光科技", "Northwind Traders"],
    )
