"""Which definition of a key wins: the first in path order (the Config Directory's merged
tree), or the last loaded (Initializer)."""

from __future__ import annotations

import pytest

from bundle_ls.dialects.initializer.objects import LAST_LOADED
from bundle_ls.dialects.objects import FIRST_IN_PATH_ORDER
from bundle_ls.project.effective import Definition, resolve


def d(path: str, line: int, value: object, order: int | None = None, compared: bool = True):
    return Definition(path, (line, 0, line, 5), value, order, compared)


def test_config_directory_keeps_the_first_definition_in_path_order():
    ev = resolve(
        "locationTags",
        "Login Location",
        [
            d("bundles/diabetes/forms.yaml", 15, {"key": "Login Location", "description": "b"}),
            d("bundles/country/locations.yaml", 2, {"key": "Login Location", "description": "a"}),
        ],
        FIRST_IN_PATH_ORDER,
    )
    assert ev.winner.path == "bundles/country/locations.yaml"
    assert ev.status == "conflict"
    (other,) = ev.others
    assert other.definition.path == "bundles/diabetes/forms.yaml"
    assert other.identical is False
    assert other.differs == ("description",)


def test_identical_definitions_are_not_a_conflict():
    same = {"key": "Nurse", "description": "x"}
    ev = resolve(
        "roles", "Nurse", [d("b.yaml", 1, same), d("a.yaml", 9, dict(same))], FIRST_IN_PATH_ORDER
    )
    assert ev.winner.path == "a.yaml"
    assert ev.status == "identical"
    assert ev.others[0].identical is True and ev.others[0].differs == ()


def test_a_field_missing_on_one_side_differs():
    ev = resolve(
        "roles",
        "Nurse",
        [d("a.yaml", 1, {"key": "Nurse"}), d("b.yaml", 1, {"key": "Nurse", "x": 1})],
        FIRST_IN_PATH_ORDER,
    )
    assert ev.others[0].differs == ("x",)


def test_later_definition_in_the_same_file_loses_under_the_first_rule():
    ev = resolve(
        "settings", "timeout", [d("a.yaml", 7, 60), d("a.yaml", 3, 30)], FIRST_IN_PATH_ORDER
    )
    assert ev.winner.range[0] == 3
    assert ev.others[0].identical is False and ev.others[0].differs == ()


def test_initializer_loads_ordered_files_first_and_the_unordered_last():
    rows = [
        d("configuration/locations/z.csv", 1, {"Name": "Z"}, order=1),
        d("configuration/locations/a.csv", 4, {"Name": "A"}, order=None),
        d("configuration/locations/m.csv", 2, {"Name": "M"}, order=5),
    ]
    ev = resolve("iniz:locations", "uuid-1", rows, LAST_LOADED)
    # _order 1, then _order 5, then the file without _order: a.csv is loaded last and wins
    assert ev.winner.path == "configuration/locations/a.csv"
    assert [o.definition.path for o in ev.others] == [
        "configuration/locations/z.csv",
        "configuration/locations/m.csv",
    ]
    assert all(o.differs == ("Name",) for o in ev.others)


def test_initializer_same_order_goes_by_path_then_row():
    rows = [
        d("c/locations/b.csv", 1, {"Name": "B1"}),
        d("c/locations/a.csv", 9, {"Name": "A9"}),
        d("c/locations/b.csv", 3, {"Name": "B3"}),
    ]
    ev = resolve("iniz:locations", "u", rows, LAST_LOADED)
    assert (ev.winner.path, ev.winner.range[0]) == ("c/locations/b.csv", 3)


def test_content_that_was_not_read_is_not_compared():
    ev = resolve(
        "iniz:ampathforms",
        "Form",
        [d("f/a.json", 1, None, compared=False), d("f/b.json", 1, None, compared=False)],
        LAST_LOADED,
    )
    assert ev.others[0].identical is None
    assert ev.status == "identical"  # defined again, and nothing says it differs
    assert not ev.conflicting


def test_resolve_needs_a_definition():
    with pytest.raises(ValueError):
        resolve("roles", "x", [], FIRST_IN_PATH_ORDER)
