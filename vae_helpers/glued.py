"""Numbers glued into the prose: one call for the many a notebook cell computes.

A notebook hands each number the prose states to myst-nb's ``glue`` under a key, without
showing it in the notebook. A cell that computes a row of a table glues several at once::

    glue_numbers("_beta1", negative_elbo=score, sigma=sigma, kl=kl)  # keys negative_elbo_beta1, ...

It returns what it glued, so the numbers a claim is about are glued by the claim's own call,
and the build's error names them if the sentence stops being true::

    claim(kl_2 < kl_1, "doubling every sigma saves KL nats", **glue_numbers(disk_kl_saved=kl_1 - kl_2))
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["glue_numbers"]


def glue_numbers(suffix: str = "", **values: float) -> dict[str, float]:
    """Glue each of ``values`` under its name followed by ``suffix``, hidden in the notebook; return them as floats.

    Integers stay integers (the prose formats them with ``:d`` or ``:,d``); numpy scalars
    become Python numbers.

    Raises
    ------
    ValueError
        If ``suffix`` is not a string, a key would not be a valid glue key (letters, digits,
        underscores), or a value is not one real number.
    """
    from myst_nb import glue  # here: the package itself does not need the book's tools

    if not isinstance(suffix, str):
        raise ValueError(f"suffix must be a string (appended to each name): got {type(suffix).__name__} {suffix!r}")
    glued = {}
    for name, value in values.items():
        key = f"{name}{suffix}"
        if not key.replace("_", "a").isalnum() or not key.isascii():
            raise ValueError(f"each key must be letters, digits and underscores: got {key!r}")
        if isinstance(value, np.generic) and value.shape == ():
            value = value.item()
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            raise ValueError(f"{name} must be one real number to glue: got {type(value).__name__} {value!r}")
        glued[key] = int(value) if isinstance(value, numbers.Integral) else float(value)
    for key, value in glued.items():  # only once all are checked: a bad value glues nothing
        glue(key, value, display=False)
    return glued
