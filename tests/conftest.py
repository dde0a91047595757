"""Shared fixtures: a seeded Generator, and fresh layer auto-names per test."""

import numpy as np
import pytest


@pytest.fixture
def rng():
    """A seeded Generator: every test that draws random numbers is repeatable."""
    return np.random.default_rng(12345)


@pytest.fixture(autouse=True)
def _fresh_names():
    from scratchdl.layers.base import reset_name_counters

    reset_name_counters()
    yield
