"""The core functions the language server calls for Initializer files."""

from __future__ import annotations

from bundle_ls.dialects.initializer import features as F

U1 = "0ee1ed8c-1ba9-4c9e-a4c2-0e1e8c4f5f0a"
U2 = "5b8a2b0e-5c7e-4a53-9a43-3f3c1a1e2d10"
LOC = "configuration/locations/l.csv"


def _index(repo):
    repo.write("configuration/locationtags/t.csv", f"Uuid,Name\n{U1},Login Location\n")
    repo.write(LOC, f"Uuid,Name,Parent,Tags\n{U2},Hospital,,\n,Ward,hospital,Login Location\n")
    return repo.check().index


def test_header_candidates(repo) -> None:
    index = _index(repo)
    labels = [c.label for c in F.header_candidates(LOC, ["Uuid", "NAME"], index)]
    assert "Uuid" not in labels and "Name" not in labels
    assert {"Parent", "Tags", "Void/Retire", "Tag|Login Location", "Display:en"} <= set(labels)
    concepts = F.header_candidates("configuration/concepts/c.csv", ["Uuid"])
    assert [c.label for c in concepts if c.required] == ["Data class", "Data type"]
    assert F.header_candidates("bundles/x/locations.csv", []) == []


def test_header_info() -> None:
    assert "locationtags" in F.header_info(LOC, " tag|Login Location").detail
    assert F.header_info(LOC, "Parent").detail == "→ locations"
    assert F.header_info(LOC, "Uuid").required
    assert F.header_info(LOC, "Nonsense") is None


def test_value_candidates(repo) -> None:
    index = _index(repo)
    assert [c.label for c in F.value_candidates(index, LOC, "Parent")] == ["Hospital", "Ward"]
    assert [c.label for c in F.value_candidates(index, LOC, "tags")] == ["Login Location"]
    assert [c.label for c in F.value_candidates(index, LOC, "Tag|Login Location")] == [
        "TRUE",
        "FALSE",
    ]
    types = F.value_candidates(index, "configuration/concepts/c.csv", "Data type")
    assert "Numeric" in [c.label for c in types]
    classes = F.value_candidates(index, "configuration/concepts/c.csv", "Data class")
    assert "Diagnosis" in [c.label for c in classes]


def test_definitions_and_references(repo) -> None:
    index = _index(repo)
    ref = F.reference_at(index, LOC, 2, 11)
    assert ref is not None and ref.key == "hospital"
    assert F.definitions(index, ref.key, ref.namespaces) == [(LOC, (1, 37, 1, 45))]
    ns, ids = F.entity_identifiers(index, LOC, 1)
    assert ns == "iniz:locations" and set(ids) == {U2, "Hospital"}
    assert F.references_to(index, ns, ids) == [(LOC, (2, 6, 2, 14))]
    tag_refs = F.references_to(index, "iniz:locationtags", ["Login Location"])
    assert tag_refs == [(LOC, (2, 15, 2, 29))]
