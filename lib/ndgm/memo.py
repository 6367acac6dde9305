"""A cache of the studies' longest computations, shared by every process of one session; off unless the
environment variable NDGM_MEMO names a folder.

The test session sets it (tests/conftest.py), so that a computation that the page run by nbmake, the same page in
the book build, the claims ledger and a test all ask for, with the same arguments, runs once. A result is kept under
a key made of the function, its arguments and every source file of ndgm, so that a change to the code computes
afresh. Nobody waits: a caller that finds no file computes, and writes its result in one step (two callers that
ask at the same moment both compute, and the file holds one of their identical results). Without NDGM_MEMO, a
memoized function is the function itself.
"""
from __future__ import annotations

import functools
import hashlib
import os
import pickle

_PACKAGE = os.path.dirname(os.path.abspath(__file__))


@functools.cache
def sources_digest() -> str:
    """A digest of every source file of ndgm (read once per process)."""
    digest = hashlib.sha256()
    for root, _, files in sorted(os.walk(_PACKAGE)):
        for name in sorted(f for f in files if f.endswith((".py", ".json"))):
            with open(os.path.join(root, name), "rb") as f:
                digest.update(name.encode() + f.read())
    return digest.hexdigest()


def key(func, args: tuple, kwargs: dict) -> str | None:
    """The cache key of ``func(*args, **kwargs)``, or None when an argument cannot be pickled (a function, say)."""
    try:
        call = pickle.dumps((func.__module__, func.__qualname__, args, sorted(kwargs.items()), sources_digest()))
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return hashlib.sha256(call).hexdigest()


def memoized(func):
    """`func`, its results kept in the folder NDGM_MEMO (when set) under `key`."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        folder = os.environ.get("NDGM_MEMO")
        name = key(func, args, kwargs) if folder else None
        if name is None:
            return func(*args, **kwargs)
        path = os.path.join(folder, f"{func.__qualname__}-{name}.pickle")
        try:
            with open(path, "rb") as f:
                return pickle.load(f)
        except FileNotFoundError:
            pass
        result = func(*args, **kwargs)
        os.makedirs(folder, exist_ok=True)
        part = f"{path}.{os.getpid()}.partial"
        with open(part, "wb") as f:
            pickle.dump(result, f)
        os.replace(part, path)
        return result
    return wrapper
