"""Keyed objects are compared by digest (documents/digests.py): the same answers as
comparing the objects, for a fraction of the memory."""

from __future__ import annotations

import pickle
import subprocess
import sys

from bundle_ls.documents.digests import ContentDigest, differing_fields, digest

WARD = {"key": "A", "label": "Ward A", "beds": 4, "rooms": [{"n": 1, "m": 2}]}


def test_equal_content_has_equal_digests_whatever_the_order():
    reordered = {"rooms": [{"m": 2, "n": 1}], "beds": 4, "label": "Ward A", "key": "A"}
    assert digest(WARD) == digest(reordered)
    assert differing_fields(digest(WARD), digest(reordered)) == []


def test_the_fields_that_differ_are_named():
    other = {**WARD, "beds": 6, "extra": True}
    del other["label"]
    assert differing_fields(digest(WARD), digest(other)) == ["beds", "extra", "label"]
    assert digest(WARD) != digest(other)


def test_types_are_told_apart():
    assert digest({"beds": 4}) != digest({"beds": "4"})
    assert digest({"x": None}) != digest({"x": "None"})
    assert digest("A") != digest(["A"])


def test_digests_are_stable_across_processes_and_share_their_field_names():
    code = f"from bundle_ls.documents.digests import digest; print(digest({WARD!r}).sums.hex())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == digest(WARD).sums.hex()
    a, b = pickle.loads(pickle.dumps(digest(WARD))), digest(dict(WARD))
    assert isinstance(a, ContentDigest) and a == b and a.fields is b.fields
