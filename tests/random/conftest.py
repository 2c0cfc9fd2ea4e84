"""cuarray.random's tests: shared helpers (``_rng_host``: kernels run on the host;
``_rng_cases``: distribution cases and goodness-of-fit tests) and their fixtures."""

import os
import shutil
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from _rng_host import HostEngine  # noqa: E402


@pytest.fixture(scope="session")
def host_engine(tmp_path_factory):
    """The host compiler for random kernels (skips without one)."""
    cxx = shutil.which("g++") or shutil.which("clang++")
    if cxx is None:
        pytest.skip("no host C++ compiler to run the kernels with")
    return HostEngine(cxx, tmp_path_factory.mktemp("random_kernels"))


@pytest.fixture
def host(host_engine, monkeypatch):
    """cuarray.random running its kernels on the host (scalar parameters only)."""
    host_engine.install(monkeypatch)
    host_engine.launched.clear()
    return host_engine
