"""Doctest namespace: `nx` is there, as in networkx's own doctests."""

import networkx
import pytest


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    doctest_namespace["nx"] = networkx
