"""The core functions the language server calls for Initializer files."""

from __future__ import annotations

from bundle_ls.dialects.initializer import features as F
from bundle_ls.dialects.initializer.layout import Layout
from bundle_ls.dialects.initializer.spec import domains
from bundle_ls.editor.view import ProjectView
from bundle_ls.editor.workspace import Workspace

U1 = "0ee1ed8c-1ba9-4c9e-a4c2-0e1e8c4f5f0a"
U2 = "5b8a2b0e-5c7e-4a53-9a43-3f3c1a1e2d10"
LOC = "configuration/locations/l.csv"
LOCATIONS = domains()["locations"]
CONCEPTS = domains()["concepts"]


def _index(repo):
    repo.write("configuration/locationtags/t.csv", f"Uuid,Name\n{U1},Login Location\n")
    repo.write(LOC, f"Uuid,Name,Parent,Tags\n{U2},Hospital,,\n,Ward,hospital,Login Location\n")
    return repo.check().index


def test_header_candidates(repo) -> None:
    index = _index(repo)
    labels = [c.label for c in F.header_candidates(LOCATIONS, ["Uuid", "NAME"], index)]
    assert "Uuid" not in labels and "Name" not in labels
    assert {"Parent", "Tags", "Void/Retire", "Tag|Login Location", "Display:en"} <= set(labels)
    concepts = F.header_candidates(CONCEPTS, ["Uuid"])
    assert [c.label for c in concepts if c.required] == ["Data class", "Data type"]
    assert F.domain_of(Layout(), "configuration/concepts/c.csv") is CONCEPTS
    assert F.domain_of(Layout(), "bundles/x/locations.csv") is None


def test_header_info() -> None:
    assert "locationtags" in F.header_info(LOCATIONS, " tag|Login Location").detail
    assert F.header_info(LOCATIONS, "Parent").detail == "→ locations"
    assert F.header_info(LOCATIONS, "Uuid").required
    assert F.header_info(LOCATIONS, "Nonsense") is None


def test_value_candidates(repo) -> None:
    index = _index(repo)
    # local locations, then the one openmrs-core creates (its core data's "Unknown Location")
    assert [c.label for c in F.value_candidates(index, LOCATIONS, "Parent")] == [
        "Hospital",
        "Ward",
        "Unknown Location",
    ]
    assert [c.label for c in F.value_candidates(index, LOCATIONS, "tags")] == ["Login Location"]
    assert [c.label for c in F.value_candidates(index, LOCATIONS, "Tag|Login Location")] == [
        "TRUE",
        "FALSE",
    ]
    types = F.value_candidates(index, CONCEPTS, "Data type")
    assert "Numeric" in [c.label for c in types]
    classes = F.value_candidates(index, CONCEPTS, "Data class")
    assert "Diagnosis" in [c.label for c in classes]


def test_definitions_and_references_compare_names_as_initializer_does(repo) -> None:
    _index(repo)
    view = ProjectView(Workspace.load(repo.root))
    view.ws.index_files(view.ws.discover())
    # `hospital` in the Parent cell names the row `Hospital` (no case, no accents)
    assert view.definitions(("iniz:locations",), "hospital") == [
        ("iniz:locations", LOC, (1, 37, 1, 45))
    ]
    assert view.references_to("iniz:locations", [U2, "Hospital"]) == [(LOC, (2, 6, 2, 14))]
    tag_refs = view.references_to("iniz:locationtags", ["Login Location"])
    assert tag_refs == [(LOC, (2, 15, 2, 29))]
