"""ndgm.memo: a memoized function runs once per key while NDGM_MEMO names a folder, and is the function itself
otherwise."""
import numpy as np
import pytest

from ndgm import memo

CALLS = []


@memo.memoized
def square(x, scale=1.0):
    """A computation that counts its calls."""
    CALLS.append(x)
    return np.asarray(x) ** 2 * scale


@pytest.fixture
def calls():
    CALLS.clear()
    return CALLS


def test_without_a_folder_every_call_computes(calls, monkeypatch):
    monkeypatch.delenv("NDGM_MEMO", raising=False)
    square(2.0), square(2.0)
    assert calls == [2.0, 2.0]


def test_with_a_folder_a_key_computes_once_and_reads_back_the_same_result(calls, monkeypatch, tmp_path):
    monkeypatch.setenv("NDGM_MEMO", str(tmp_path / "memo"))
    first = square(np.arange(3.0), scale=2.0)
    again = square(np.arange(3.0), scale=2.0)
    np.testing.assert_array_equal(first, again)
    assert len(calls) == 1 and first is not again              # the second came from the file
    square(np.arange(3.0), scale=3.0)                         # another argument, another key
    square(np.arange(4.0), scale=2.0)
    assert len(calls) == 3
    assert len(list((tmp_path / "memo").glob("square-*.pickle"))) == 3


def test_an_argument_that_cannot_be_pickled_computes_every_time(calls, monkeypatch, tmp_path):
    monkeypatch.setenv("NDGM_MEMO", str(tmp_path))
    assert memo.key(square, (lambda: 1,), {}) is None
    a, b = memo.key(square, (2.0,), {"scale": 1.0}), memo.key(square, (2.0,), {"scale": 1.0})
    assert a == b and a != memo.key(square, (2.0,), {"scale": 2.0})


def test_an_error_is_not_kept(calls, monkeypatch, tmp_path):
    monkeypatch.setenv("NDGM_MEMO", str(tmp_path))
    with pytest.raises(TypeError):
        square("a")
    assert not list(tmp_path.glob("*.pickle")) and calls == ["a"]


def test_the_key_depends_on_the_sources(monkeypatch):
    """A change to any source file of ndgm changes every key: the results of older code are never read."""
    assert len(memo.sources_digest()) == 64
    before = memo.key(square, (1.0,), {})
    monkeypatch.setattr(memo, "sources_digest", lambda: "another version of the code")
    assert memo.key(square, (1.0,), {}) != before
