"""Module-schema validation bounded in time: regular expressions in linear time, unique
items by hashing, and a time budget for what is left.

A repository's own schema is as untrusted as its config. Python's backtracking `re` takes
minutes to match `^(a+)+$` against 41 characters, and `jsonschema` compares the items of a
`uniqueItems` array pairwise when they are mappings (hours for 100,000 of them). So every
`pattern` and `patternProperties` of a module schema is compiled by the Rust `regex`
engine behind jsonschema-rs (`RegexOptions`: linear-time matching, no lookaround and no
backreferences, as JSON Schema's ECMA-262 patterns mostly are), for validation and for
messages alike; a pattern that engine cannot compile is a schema error, never handed to
`re`. `linear_validator()` is jsonschema's 2020-12 validator with the keywords that match
patterns or compare items replaced; their results and messages are jsonschema's. It is
made (and jsonschema imported) only when an object fails the native pre-check
(fastvalid.py): most runs never need it.

What is left is the schema's own shape: `anyOf` inside `anyOf` through a recursive `$ref`
can take time exponential in the depth of an item. So every keyword first looks at the
deadline of the validation under way (`deadline`), and past it raises `OverBudget`; the
file's analysis reports that as a `limit` finding and validates no more of that file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from time import perf_counter
from typing import Any

import jsonschema_rs

# The compiled program and the lazy DFA's cache of one pattern: far above any real pattern
# (`^[a-z]{2,3}(_[A-Z]{2})?$` needs a few kB), low enough that `(a{1000}){1000}` is refused.
REGEX_OPTIONS = jsonschema_rs.RegexOptions(size_limit=1 << 20, dfa_size_limit=1 << 22)


class PatternError(ValueError):
    """A pattern the linear-time engine cannot compile."""


@lru_cache(maxsize=4096)
def _matcher(pattern: str) -> Any:
    try:
        return jsonschema_rs.Draft202012Validator(
            {"pattern": pattern}, pattern_options=REGEX_OPTIONS, validate_formats=False
        )
    except (jsonschema_rs.ValidationError, ValueError) as exc:
        raise PatternError(
            f"pattern {pattern!r} cannot be matched in linear time (lookaround, "
            "backreferences and over-large repetitions are not supported)"
        ) from exc


def check_pattern(pattern: str) -> None:
    """Raises `PatternError` when the pattern cannot be compiled."""
    _matcher(pattern)


def search(pattern: str, text: str) -> bool:
    """True when the pattern matches somewhere in `text` (JSON Schema's unanchored match)."""
    return _matcher(pattern).is_valid(text)


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict) -> Iterator:
    if validator.is_type(instance, "string") and not search(pattern, instance):
        yield _error(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Any, patterns: dict, instance: Any, schema: dict) -> Iterator:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for k, v in instance.items():
            if search(pattern, k):
                yield from validator.descend(v, subschema, path=k, schema_path=pattern)


def additional_names(instance: dict, schema: dict) -> list[str]:
    """The names of `instance` neither `properties` nor `patternProperties` cover."""
    properties = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    return [k for k in instance if k not in properties and not any(search(p, k) for p in patterns)]


def _additional_properties(validator: Any, ap: Any, instance: Any, schema: dict) -> Iterator:
    if not validator.is_type(instance, "object"):
        return
    extras = set(additional_names(instance, schema))
    if validator.is_type(ap, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], ap, path=extra)
    elif not ap and extras:
        if "patternProperties" in schema:
            verb = "does" if len(extras) == 1 else "do"
            joined = ", ".join(repr(each) for each in sorted(extras))
            patterns = ", ".join(repr(each) for each in sorted(schema["patternProperties"]))
            yield _error(f"{joined} {verb} not match any of the regexes: {patterns}")
        else:
            names = ", ".join(repr(each) for each in sorted(extras, key=str))
            verb = "was" if len(extras) == 1 else "were"
            yield _error(f"Additional properties are not allowed ({names} {verb} unexpected)")


def _evaluated_names(validator: Any, instance: dict, schema: Any) -> set[str]:
    """The names of `instance` that `schema` evaluates (for `unevaluatedProperties`):
    jsonschema's own rules, with patterns matched in linear time."""
    if not isinstance(schema, dict):
        return set()
    names: set[str] = set()
    for ref_word in ("$ref", "$dynamicRef"):
        ref = schema.get(ref_word)
        if ref is not None:
            resolved = validator._resolver.lookup(ref)
            inner = validator.evolve(schema=resolved.contents, _resolver=resolved.resolver)
            names |= _evaluated_names(inner, instance, resolved.contents)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        names |= properties.keys() & instance.keys()
    for word in ("additionalProperties", "unevaluatedProperties"):
        if (sub := schema.get(word)) is not None:
            names |= {k for k, v in instance.items() if validator.evolve(schema=sub).is_valid(v)}
    for pattern in schema.get("patternProperties", {}):
        names |= {k for k in instance if search(pattern, k)}
    for name, sub in schema.get("dependentSchemas", {}).items():
        if name in instance:
            names |= _evaluated_names(validator, instance, sub)
    for word in ("allOf", "oneOf", "anyOf"):
        for sub in schema.get(word, []):
            if validator.evolve(schema=sub).is_valid(instance):
                names |= _evaluated_names(validator, instance, sub)
    if "if" in schema:
        if validator.evolve(schema=schema["if"]).is_valid(instance):
            names |= _evaluated_names(validator, instance, schema["if"])
            names |= _evaluated_names(validator, instance, schema.get("then"))
        else:
            names |= _evaluated_names(validator, instance, schema.get("else"))
    return names


def _unevaluated_properties(validator: Any, up: Any, instance: Any, schema: dict) -> Iterator:
    if not validator.is_type(instance, "object"):
        return
    evaluated = _evaluated_names(validator, instance, schema)
    bad = [
        k
        for k in instance
        if k not in evaluated and any(True for _ in validator.descend(instance[k], up, path=k))
    ]
    if not bad:
        return
    verb = "was" if len(bad) == 1 else "were"
    if up is False:
        names = ", ".join(repr(each) for each in sorted(bad, key=str))
        yield _error(f"Unevaluated properties are not allowed ({names} {verb} unexpected)")
    else:
        names = ", ".join(repr(each) for each in bad)
        yield _error(
            "Unevaluated properties are not valid under the given schema "
            f"({names} {verb} unevaluated and invalid)"
        )


def _comparable(value: Any) -> Any:
    """A hashable stand-in equal exactly when jsonschema's `equal` says the values are
    (1 and 1.0 alike, `true` and 1 not)."""
    if isinstance(value, bool):
        return (bool, value)
    if isinstance(value, dict):
        return (dict, frozenset((k, _comparable(v)) for k, v in value.items()))
    if isinstance(value, list):
        return (list, tuple(_comparable(v) for v in value))
    return value


def _unique_items(validator: Any, unique: Any, instance: Any, schema: dict) -> Iterator:
    if not (unique and validator.is_type(instance, "array")):
        return
    first: dict[Any, int] = {}
    for i, value in enumerate(instance):
        j = first.setdefault(_comparable(value), i)
        if j != i:  # the message names the two items, not the whole (maybe huge) list
            yield _error(f"items {j + 1} and {i + 1} are equal; the items must be unique")
            return


class OverBudget(Exception):
    """The validation under way is past its deadline."""


# The deadline of the validation under way in this thread (inf: none). A context variable,
# not a setting: `deadline` sets it around one validation and restores it after.
_DEADLINE: ContextVar[float] = ContextVar("validation_deadline", default=float("inf"))


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Validations inside raise `OverBudget` once `seconds` have passed."""
    token = _DEADLINE.set(perf_counter() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _bounded(keyword: Callable) -> Callable:
    def checked(validator: Any, value: Any, instance: Any, schema: dict) -> Any:
        if perf_counter() > _DEADLINE.get():
            raise OverBudget
        return keyword(validator, value, instance, schema)

    return checked


def _error(message: str) -> Any:
    from jsonschema.exceptions import ValidationError  # imported by `linear_validator`

    return ValidationError(message)


@lru_cache(maxsize=1)
def linear_validator() -> Any:
    """The validator class: jsonschema's 2020-12 one with the keywords above."""
    from jsonschema import Draft202012Validator, validators

    keywords = {
        **Draft202012Validator.VALIDATORS,
        "pattern": _pattern,
        "patternProperties": _pattern_properties,
        "additionalProperties": _additional_properties,
        "unevaluatedProperties": _unevaluated_properties,
        "uniqueItems": _unique_items,
    }
    return validators.extend(
        Draft202012Validator, {name: _bounded(keyword) for name, keyword in keywords.items()}
    )
