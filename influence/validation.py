"""One way to check a configuration value, and one wording for what is wrong with it.

Every configuration object and every function parameter the user sets (``RankingConfig``, the
sector file, ``HttpConfig``, ``CompetitorConfig``, the crawlers' ``[[sources]]`` keys, the reach,
diffusion and evaluation parameters...) is checked with the helpers here, so every refusal reads
the same way::

    <key> must be <what it may be>, got <the value as the user wrote it>

``<key>`` is the dotted key or the parameter name (``pagerank.alpha``, ``sources[0].max_pages``,
``runs``); the value is shown by :func:`show`, the way TOML writes it (strings in double quotes,
lists in brackets). The error is a :class:`~influence.errors.ConfigError` whose ``key`` attribute
names the key.

A *checker* is a callable ``value -> clean value`` that raises :class:`Invalid` with the
"must be" phrase; :func:`check` runs one and turns :class:`Invalid` into the error. The
factories below (:func:`number`, :func:`whole`, :func:`choice`, ...) build the common ones; the
``check_*`` shortcuts check and convert in one call.

Examples
--------
>>> check("pagerank.alpha", number(0, 1, open_lo=True, open_hi=True), 2)
Traceback (most recent call last):
...
influence.errors.ConfigError: pagerank.alpha must be a number in (0, 1), got 2
>>> check_whole("runs", 0, minimum=1)
Traceback (most recent call last):
...
influence.errors.ConfigError: runs must be a whole number >= 1, got 0
>>> check_choice("model", "sis", ("sir", "ic"))
Traceback (most recent call last):
...
influence.errors.ConfigError: model must be one of "sir", "ic", got "sis"
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any

from .errors import ConfigError

__all__ = [
    "Invalid",
    "show",
    "message",
    "invalid",
    "check",
    "number",
    "whole",
    "boolean",
    "choice",
    "one_of",
    "optional",
    "check_number",
    "check_whole",
    "check_bool",
    "check_choice",
    "check_probability",
    "check_seed",
]

Checker = Callable[[Any], Any]


class Invalid(Exception):
    """A checker's refusal; its message is the "must be ..." phrase (without "must be")."""


def show(value: Any) -> str:
    """Show a bad value the way the user wrote it, like TOML: strings in double quotes, lists
    in brackets.

    Examples
    --------
    >>> show("high"), show(["a", 1]), show(0.5), show(None)
    ('"high"', '["a", 1]', '0.5', 'None')
    """
    if isinstance(value, (str, list, tuple)):
        try:
            plain = list(value) if isinstance(value, tuple) else value
            return json.dumps(plain, ensure_ascii=False)
        except TypeError:
            pass
    return repr(value)


def message(key: str, phrase: str, value: Any) -> str:
    """The one wording: ``<key> must be <phrase>, got <value>``."""
    return f"{key} must be {phrase}, got {show(value)}"


def invalid(key: str, phrase: str, value: Any, *, error_key: str | None = None) -> ConfigError:
    """The :class:`ConfigError` for a bad value (to ``raise``); ``error_key`` is the key
    recorded on the error when it differs from the one named in the message."""
    return ConfigError(message(key, phrase, value), key=key if error_key is None else error_key)


def check(key: str, checker: Checker, value: Any, *, error_key: str | None = None) -> Any:
    """``checker(value)``, or the :class:`ConfigError` naming ``key`` when it refuses."""
    try:
        return checker(value)
    except Invalid as bad:
        raise invalid(key, str(bad), value, error_key=error_key) from None


# -- checkers --------------------------------------------------------------------------------------


def _bound(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _bounds(noun: str, lo, hi, open_lo: bool, open_hi: bool, *, interval: bool) -> str:
    """``noun`` with its bounds: ``a number in (0, 1]``, ``a whole number between 1 and 40``,
    ``a number > 0``..."""
    if lo is not None and hi is not None:
        if interval:
            left, right = "(" if open_lo else "[", ")" if open_hi else "]"
            return f"{noun} in {left}{_bound(lo)}, {_bound(hi)}{right}"
        return f"{noun} between {_bound(lo)} and {_bound(hi)}"
    if lo is not None:
        return f"{noun} {'>' if open_lo else '>='} {_bound(lo)}"
    if hi is not None:
        return f"{noun} {'<' if open_hi else '<='} {_bound(hi)}"
    return noun


def _within(x, lo, hi, open_lo: bool = False, open_hi: bool = False) -> bool:
    return not ((lo is not None and (x < lo or (open_lo and x == lo)))
                or (hi is not None and (x > hi or (open_hi and x == hi))))


def number(lo: float | None = None, hi: float | None = None, *, open_lo: bool = False,
           open_hi: bool = False, phrase: str | None = None) -> Checker:
    """A finite real number (not a bool) within the bounds, returned as a float.

    The phrase says the bounds: ``a number >= 0``, ``a number > 0``, ``a number in [0, 1]``,
    ``a number in (0, 1]``...
    """
    if phrase is None:
        phrase = _bounds("a number", lo, hi, open_lo, open_hi, interval=True)

    def checker(v: Any) -> float:
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
            raise Invalid(phrase)
        if not _within(float(v), lo, hi, open_lo, open_hi):
            raise Invalid(phrase)
        return float(v)

    return checker


def whole(minimum: int | None = 0, maximum: int | None = None, *, phrase: str | None = None,
          floats: bool = False) -> Checker:
    """A whole number (an int or numpy integer, not a bool; ``2.0`` only with ``floats=True``)
    within the bounds, returned as an int: ``a whole number >= 1``, ``a whole number between 1
    and 40``."""
    if phrase is None:
        phrase = _bounds("a whole number", minimum, maximum, False, False, interval=False)

    def checker(v: Any) -> int:
        if floats and isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise Invalid(phrase)
        if not _within(v, minimum, maximum):
            raise Invalid(phrase)
        return int(v)

    return checker


def _boolean(v: Any) -> bool:
    if not isinstance(v, bool):
        raise Invalid("true or false")
    return v


#: The checker of a boolean (``true or false``: 0 and 1 are refused).
boolean: Checker = _boolean


def one_of(options: Iterable[Any]) -> str:
    """The phrase for a choice: ``one of "a", "b"``."""
    return "one of " + ", ".join(show(o) for o in options)


def choice(options: Iterable[Any]) -> Checker:
    """One of ``options`` (``one of "a", "b"``)."""
    options = tuple(options)
    phrase = one_of(options)

    def checker(v: Any) -> Any:
        try:
            ok = v in options
        except TypeError:  # an unhashable value against a set
            ok = False
        if not ok:
            raise Invalid(phrase)
        return v

    return checker


def optional(checker: Checker) -> Checker:
    """``None``, or a value ``checker`` accepts (the phrase gains ``or None``)."""

    def wrapped(v: Any) -> Any:
        if v is None:
            return None
        try:
            return checker(v)
        except Invalid as bad:
            raise Invalid(f"{bad} or None") from None

    return wrapped


# -- shortcuts -------------------------------------------------------------------------------------


def check_number(key: str, value: Any, lo: float | None = None, hi: float | None = None, *,
                 open_lo: bool = False, open_hi: bool = False,
                 error_key: str | None = None) -> float:
    """``value`` as a float within the bounds, or :class:`ConfigError` (see :func:`number`)."""
    return check(key, number(lo, hi, open_lo=open_lo, open_hi=open_hi), value, error_key=error_key)


def check_whole(key: str, value: Any, minimum: int | None = 0, maximum: int | None = None, *,
                error_key: str | None = None) -> int:
    """``value`` as an int within the bounds, or :class:`ConfigError` (see :func:`whole`)."""
    return check(key, whole(minimum, maximum), value, error_key=error_key)


def check_bool(key: str, value: Any, *, error_key: str | None = None) -> bool:
    """``value`` if it is a bool, or :class:`ConfigError`."""
    return check(key, boolean, value, error_key=error_key)


def check_choice(key: str, value: Any, options: Iterable[Any], *,
                 error_key: str | None = None) -> Any:
    """``value`` if it is one of ``options``, or :class:`ConfigError`."""
    return check(key, choice(options), value, error_key=error_key)


def check_probability(key: str, value: Any, *, error_key: str | None = None) -> float:
    """``value`` as a float in [0, 1], or :class:`ConfigError`."""
    return check_number(key, value, 0.0, 1.0, error_key=error_key)


def check_seed(key: str, value: Any, *, allow_none: bool = True, error_key: str | None = None):
    """A seed: a whole number >= 0 (or None when ``allow_none``), returned as an int."""
    checker = whole(0)
    return check(key, optional(checker) if allow_none else checker, value, error_key=error_key)
