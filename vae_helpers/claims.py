"""Claims: a sentence of the book about a computed result, checked where the result is computed.

The notebooks glue numbers into the prose, so a number cannot go stale; the sentence
around it can. Each notebook therefore states, next to the computation, what the prose
says about the result::

    claim(spread > 1, "the held-out codes spread wider than the prior", spread=spread)

When a change of data, seed, training or library version makes the sentence false,
the cell raises :class:`ClaimError` and the book build fails, naming the sentence.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["claim", "ClaimError"]


class ClaimError(AssertionError):
    """A sentence of the book is no longer true of the computed result."""


def claim(condition: bool, statement: str, **values: float) -> None:
    """Check that ``statement``, a sentence of the book, holds: ``condition`` must be true.

    Parameters
    ----------
    condition
        The check, as a ``bool`` (or a numpy boolean scalar): ``inside_two < prior_inside_two``.
    statement
        What the prose says, in the prose's words; it names the claim when the check fails.
    **values
        The numbers the check compares, shown in the error so the reader of a failed
        build sees why (``spread=1.31``).

    Raises
    ------
    ClaimError
        If ``condition`` is false, or one of ``values`` is or holds NaN: every comparison with
        NaN is false, so ``not (err > 0.1)`` or ``err != 0`` would pass on a computation
        that failed.
    ValueError
        If ``condition`` is not a boolean (a number, an array, ``None``: a likely slip
        that would otherwise pass silently) or ``statement`` is not a non-empty string.
    """
    if not isinstance(statement, str) or not statement.strip():
        raise ValueError(f"statement must be a non-empty string saying what the book claims: got {statement!r}")
    if isinstance(condition, np.ndarray) and condition.shape == () and condition.dtype == bool:
        condition = condition.item()
    if not isinstance(condition, (bool, np.bool_)):
        raise ValueError(
            f"condition must be a bool (the result of a comparison) for the claim {statement!r}: "
            f"got {type(condition).__name__} {condition!r}"
        )
    not_a_number = [name for name, value in values.items() if _holds_nan(value)]
    if not_a_number:
        raise ClaimError(
            f"The book claims {statement!r}, but {', '.join(not_a_number)} "
            f"{'is' if len(not_a_number) == 1 else 'are'} NaN: the computation failed, and no comparison with NaN means anything "
            f"({', '.join(f'{name}={_format(value)}' for name, value in values.items())})"
        )
    if not condition:
        shown = ", ".join(f"{name}={_format(value)}" for name, value in values.items())
        raise ClaimError(f"The book claims {statement!r}, but the computed result says otherwise" + (f" ({shown})" if shown else ""))


def _holds_nan(value) -> bool:
    """Whether ``value`` is NaN or an array of numbers holding a NaN (a value that is not numeric holds none)."""
    try:
        array = np.asarray(value)
    except Exception:  # a value numpy cannot read is shown as it is, not checked
        return False
    return array.dtype.kind in "fc" and bool(np.isnan(array).any())


def _format(value) -> str:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return f"{float(value):.6g}"
    return repr(value)
