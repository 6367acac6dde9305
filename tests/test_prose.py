import numpy as np
import pytest

from ndgm.figures.prose import glue_numbers, listed


def test_listed_joins_numbers_in_words():
    assert listed([0.1, 1, 10, 100]) == "0.1, 1, 10 and 100"
    assert listed([3]) == "3"
    assert listed([1, 2], ".1f") == "1.0 and 2.0"
    assert listed(["ReLU", "GELU"]) == "ReLU and GELU"


def test_listed_refuses_an_empty_list():
    with pytest.raises(ValueError, match="values"):
        listed([])


def test_glue_numbers_glues_plain_scalars_under_the_prefix():
    got = {}
    glue_numbers(lambda name, value, display: got.update({name: (value, display)}),
                 {"a": np.float64(1.5), "b": np.int64(3), "c": "text", "d": np.array(2.0)}, prefix="x_")
    assert got == {"x_a": (1.5, False), "x_b": (3, False), "x_c": ("text", False), "x_d": (2.0, False)}
    assert type(got["x_a"][0]) is float and type(got["x_b"][0]) is int


def test_glue_numbers_refuses_an_array():
    with pytest.raises(TypeError, match="scalar"):
        glue_numbers(lambda *a, **k: None, {"a": np.arange(3)})
