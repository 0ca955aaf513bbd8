"""The report model: objects, bundles, the effective configuration, the graph, findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bundle_ls.batch.report.data import build_report, clip, source_context
from bundle_ls.batch.runner import check_directory
from bundle_ls.dialects.initializer.jsonforms import ampath_form_uuid
from bundle_ls.project.effective import also_defined_in, effective_at, effective_of
from bundle_ls.project.objects import ProjectObjects, Sources, object_counts

UUID_A = "aaaaaaaa-0000-4000-8000-000000000001"
UUID_B = "aaaaaaaa-0000-4000-8000-000000000002"
UUID_C = "aaaaaaaa-0000-4000-8000-000000000003"
UUID_TAG = "bbbbbbbb-0000-4000-8000-000000000001"

INITIALIZER = {
    "configuration/locationtags/tags.csv": f"""
        Uuid,Name,Description
        {UUID_TAG},Login Location,Where staff log in
        """,
    # ordered first (_order:1): its row for UUID_A is overwritten by more.csv's
    "configuration/locations/locations.csv": f"""
        Uuid,Name,Description,Tags,Parent,_order:1
        {UUID_A},Ward A,Adult ward,Login Location,
        {UUID_B},Ward B,Children's ward,Login Location,Surgicl Ward
        {UUID_C},Surgical Ward,,,
        """,
    # a form names itself by name and uuid on two lines: still one object
    "configuration/ampathforms/intake.json": """
        {
          "name": "Intake Form",
          "version": "1.0",
          "uuid": "cccccccc-0000-4000-8000-000000000001",
          "pages": []
        }
        """,
    # no _order: loaded after every ordered file of the domain
    "configuration/locations/more.csv": f"""
        Uuid,Name,Description,Tags
        {UUID_A},Ward A,Adult medical ward,Login Location
        """,
}


def objects_of(root: Path) -> ProjectObjects:
    result = check_directory(root)
    return ProjectObjects(result.index, result.context)


@pytest.fixture
def example_model(example: Path) -> dict:
    return build_report(check_directory(example))


@pytest.fixture
def initializer_repo(write_tree) -> Path:
    return write_tree(INITIALIZER)


def test_words_for_people(initializer_repo: Path):
    objects = objects_of(initializer_repo)
    assert objects.namespace_label("iniz:locations") == "Initializer locations"
    assert objects.namespace_label("iniz:locations", short=True) == "locations"
    assert objects.namespace_label("iniz:constant") == "Initializer constants"
    assert objects.namespace_label("encounterTypes") == "encounterTypes"
    assert objects.namespace_label("folder:configuration/pih") == "folder configuration/pih"


@pytest.mark.parametrize(
    ("path", "bundle"),
    [
        ("bundles/diabetes/forms.yaml", "bundles/diabetes"),
        ("bundles/diabetes/sub/x.yaml", "bundles/diabetes"),
        ("country/roles.yaml", "country"),
        ("settings.yaml", "."),
        ("configuration/locations/locations.csv", "configuration/locations"),
        (
            "distro/configs/openmrs/initializer_config/roles/r.csv",
            "distro/configs/openmrs/initializer_config/roles",
        ),
        ("../constants.yml", ".."),
    ],
)
def test_bundle_of(path: str, bundle: str, initializer_repo: Path):
    assert objects_of(initializer_repo).bundle_of(path) == bundle


def test_example_objects_per_namespace_and_bundle(example_model: dict):
    ns = {n["id"]: n for n in example_model["namespaces"]}
    # 3 CSV rows and 2 YAML items; settings: 6 entries in one file and 1 in another
    assert ns["locations"]["objects"] == 5 and ns["locations"]["files"] == 2
    assert ns["settings"]["objects"] == 7 and ns["settings"]["bundles"] == 2
    assert "programs" not in ns  # the programs module is not installed: nothing is kept
    bundles = {b["id"]: b for b in example_model["bundles"]}
    assert set(bundles) == {"bundles/country", "bundles/diabetes"}
    assert bundles["bundles/country"]["namespaces"]["locationTags"] == 3
    assert bundles["bundles/diabetes"]["findings"] == 7
    assert example_model["summary"]["objects"] == sum(b["objects"] for b in bundles.values())
    # bundle-ls.yaml's `modules:`
    assert example_model["distribution"]["modules"] == [
        "encounters",
        "htmlformentry",
        "locations",
        "permissions",
        "relationships",
        "settings",
        "users",
    ]
    assert example_model["distribution"]["layout"] == "Config Directory"
    listed = example_model["objects"]["locations"]
    files = example_model["files"]
    assert sorted(o[0] for o in listed) == [
        "Diabetes Clinic",
        "Kigali District Hospital",
        "Medical Ward",
        "Outpatient Department",
        "Rwinkwavu Health Centre",
    ]
    assert {files[o[1]] for o in listed} == {
        "bundles/country/locations.csv",
        "bundles/country/locations.yaml",
    }


def test_example_effective_configuration(example_model: dict):
    files = example_model["files"]
    rows = {(r["ns"], r["key"]): r for r in example_model["effective"]}
    tag = rows[("locationTags", "Login Location")]
    assert tag["status"] == "conflict"
    assert files[tag["winner"]["f"]] == "bundles/country/locations.yaml"
    assert tag["winner"]["v"]["description"] == "Staff may choose this location when they log in."
    (other,) = tag["others"]
    assert files[other["f"]] == "bundles/diabetes/forms.yaml"
    assert other["same"] is False and other["differs"] == ["description"]
    timeout = rows[("settings", "sessionTimeoutMinutes")]
    assert timeout["winner"]["v"] == 30 and timeout["others"][0]["v"] == 60
    assert rows[("roles", "Nurse")]["status"] == "single"
    assert example_model["summary"]["conflictingKeys"] == 2


def test_example_graph(example_model: dict):
    edges = {(e["source"], e["target"]): e for e in example_model["edges"]}
    forms = edges[("htmlForms", "encounterTypes")]
    # 'Diabetes Folow-up' is misspelt: one of the two references is unresolved
    assert (forms["references"], forms["local"], forms["unresolved"]) == (2, 1, 1)
    assert edges[("roles", "privileges")]["unresolved"] == 0
    assert edges[("settings", "locations")]["references"] == 1  # defaultLocation


def test_example_findings_carry_source_lines(example_model: dict):
    files = example_model["files"]
    (typo,) = [
        f
        for f in example_model["findings"]
        if f["code"] == "unresolved-reference" and files[f["f"]] == "bundles/diabetes/forms.yaml"
    ]
    assert typo["l"] == 10
    ctx = typo["context"]
    assert ctx["lines"][typo["l"] - ctx["start"]].strip() == "encounterType: Diabetes Folow-up"
    assert len(ctx["lines"]) == 5
    assert typo["bundle"] == "bundles/diabetes"
    # and a misspelt role in a permission rule of the country bundle
    assert example_model["summary"]["codes"]["unresolved-reference"] == {"error": 2}


def test_initializer_last_loaded_row_wins(initializer_repo: Path):
    model = build_report(check_directory(initializer_repo))
    files = model["files"]
    rows = {(r["ns"], r["key"]): r for r in model["effective"]}
    ward = rows[("iniz:locations", UUID_A)]
    assert ward["rule"] == "last"
    assert model["rules"]["last"].startswith("Initializer loads every definition")
    assert ward["label"] == f"Ward A ({UUID_A})"
    assert files[ward["winner"]["f"]] == "configuration/locations/more.csv"
    assert ward["winner"]["v"]["Description"] == "Adult medical ward"
    (other,) = ward["others"]
    assert files[other["f"]] == "configuration/locations/locations.csv"
    assert other["order"] == 1 and other["differs"] == ["Description"]
    ns = {n["id"]: n for n in model["namespaces"]}
    assert ns["iniz:locations"]["label"] == "Initializer locations"
    assert ns["iniz:locations"]["objects"] == 4  # rows, not identifiers (uuid and name)
    assert ns["iniz:ampathforms"]["objects"] == 1
    # a form is named by the uuid Initializer derives from its name and version
    form_uuid = ampath_form_uuid("Intake Form", "1.0")
    assert model["objects"]["iniz:ampathforms"][0][0] == f"Intake Form ({form_uuid})"
    facts = {f["what"]: f["value"] for f in model["distribution"]["facts"]}
    assert facts["Initializer folders"] == "configuration"
    assert model["distribution"]["layout"] == "Initializer configuration"
    assert {b["id"] for b in model["bundles"]} == {
        "configuration/ampathforms",
        "configuration/locations",
        "configuration/locationtags",
    }


def test_initializer_graph_marks_the_near_miss_unresolved(initializer_repo: Path):
    model = build_report(check_directory(initializer_repo))
    edges = {(e["source"], e["target"]): e for e in model["edges"]}
    tags = edges[("iniz:locations", "iniz:locationtags")]
    assert (tags["references"], tags["local"], tags["unresolved"]) == (3, 3, 0)
    # 'Surgicl Ward' is a near miss of a local name: reported, and red in the graph
    parents = edges[("iniz:locations", "iniz:locations")]
    assert (parents["references"], parents["unresolved"]) == (1, 1)
    (finding,) = [f for f in model["findings"] if f["code"] == "unresolved-reference"]
    assert "Surgicl Ward" in finding["message"]


def test_effective_at_answers_for_a_uuid_or_a_name(initializer_repo: Path):
    objects = objects_of(initializer_repo)
    disk = Sources(initializer_repo)
    by_name = effective_at(objects, "iniz:locations", "Ward A", disk)
    by_uuid = effective_at(objects, "iniz:locations", UUID_A, disk)
    assert by_name == by_uuid
    (ev,) = by_uuid
    assert ev.winner.path == "configuration/locations/more.csv"
    assert ev.winner.order is None and ev.others[0].definition.order == 1
    assert ev.conflicting
    assert ev.others[0].differs == ("Description",)
    assert effective_at(objects, "iniz:locations", "No such ward", disk) == []
    # a row with a uuid: what it sets is in the facts, no file is read again
    (same,) = effective_at(objects, "iniz:locations", UUID_A)
    assert same == ev


def test_rows_named_by_name_alone_are_read_from_their_files(write_tree):
    root = write_tree(
        {
            "configuration/locations/a.csv": "Uuid,Name,Description,_order:2\n,Ward Z,first\n",
            "configuration/locations/b.csv": "Uuid,Name,Description,_order:1\n,Ward Z,second\n",
        }
    )
    objects = objects_of(root)
    (unread,) = effective_at(objects, "iniz:locations", "Ward Z")
    assert unread.others[0].identical is None  # what they set is not in the facts
    (ev,) = effective_at(objects, "iniz:locations", "Ward Z", Sources(root))
    # read, the files' _order counts: a.csv (_order:2) loads last
    assert ev.winner.path == "configuration/locations/a.csv" and ev.winner.order == 2
    assert ev.winner.value == {"Name": "Ward Z", "Description": "first"}
    assert ev.others[0].differs == ("Description",)
    # the editor's own text of a file stands for the disk
    edited = {"configuration/locations/b.csv": "Uuid,Name,Description\n,Ward Z,first\n"}
    buffers = Sources(root, lambda p: edited.get(p) or (root / p).read_text())
    (same,) = effective_at(objects, "iniz:locations", "Ward Z", buffers)
    assert same.status == "identical"


def test_the_object_at_a_position_of_a_csv_row(initializer_repo: Path):
    objects = objects_of(initializer_repo)
    # anywhere on the row: its Description cell, past the identifiers
    row = objects.object_at("configuration/locations/locations.csv", 1, 50)
    assert row is not None and row.identity == UUID_A and row.label == f"Ward A ({UUID_A})"
    assert objects.object_at("configuration/locations/locations.csv", 0, 2) is None  # header
    ev = effective_of(objects, row, Sources(initializer_repo))
    assert ev.winner.path == "configuration/locations/more.csv"


def test_effective_values_in_a_config_directory(example: Path):
    objects = objects_of(example)
    (ev,) = effective_at(objects, "locationTags", "Login Location")
    assert ev.winner.path == "bundles/country/locations.yaml" and ev.conflicting
    assert ev.rule.id == "merged" and not ev.rule.last_wins
    lines = (example / "bundles/country/settings.yaml").read_text().splitlines()
    line = next(i for i, t in enumerate(lines) if "sessionTimeoutMinutes" in t)
    entry = objects.object_at("bundles/country/settings.yaml", line, lines[line].index("session"))
    assert entry is not None and entry.identity == "sessionTimeoutMinutes"
    timeout = effective_of(objects, entry)
    assert timeout.winner.value == 30 and timeout.others[0].definition.value == 60


def test_object_counts_for_json(example: Path):
    objects = objects_of(example)
    counts = object_counts(objects)
    assert counts["namespaces"]["locations"] == 5
    assert counts["bundles"]["bundles/country"]["files"] == 5
    one = object_counts(objects, ["bundles/country/locations.csv"])
    assert one == {
        "namespaces": {"locations": 3},
        "bundles": {"bundles/country": {"files": 1, "objects": 3, "namespaces": {"locations": 3}}},
    }


def test_long_source_lines_are_cut_around_the_finding(write_tree):
    cells = ",".join(f"c{i}" for i in range(200))
    root = write_tree({"a.yaml": "x: 1\n", "long.txt": f"head\n{cells}\ntail\n"})
    ctx = source_context(Sources(root), "long.txt", 1, 600)
    line = ctx["lines"][1]
    assert line.startswith("…") and line.endswith("…") and len(line) <= 242
    assert cells[600:610] in line  # the text at the finding's column
    assert ctx["lines"][0] == "…"  # "head" lies left of the window: only the mark is shown


def test_also_defined_in_for_code_lenses(example: Path, initializer_repo: Path):
    objects = objects_of(example)
    found = {
        (o.namespace, o.identity): [d.path for d in others]
        for o, others in also_defined_in(objects, "bundles/diabetes/forms.yaml")
    }
    assert found == {("locationTags", "Login Location"): ["bundles/country/locations.yaml"]}
    settings = also_defined_in(objects, "bundles/country/settings.yaml")
    assert [(o.identity, [d.path for d in others]) for o, others in settings] == [
        ("sessionTimeoutMinutes", ["bundles/diabetes/settings.yaml"])
    ]
    objects = objects_of(initializer_repo)
    rows = also_defined_in(objects, "configuration/locations/more.csv")
    assert [(o.label, [d.path for d in others]) for o, others in rows] == [
        (f"Ward A ({UUID_A})", ["configuration/locations/locations.csv"])
    ]


def test_values_are_clipped_for_the_page():
    long = "x" * 1000
    shown = clip({"a": long, "b": list(range(100)), "c": float("nan"), "d": float("inf")})
    assert shown["a"] == "x" * 300 + "…"
    assert len(shown["b"]) == 41 and shown["b"][-1] == "… 60 more"
    assert shown["c"] == "nan" and shown["d"] == "inf"
    deep: dict = {}
    cur = deep
    for _ in range(20):
        cur["k"] = {}
        cur = cur["k"]
    text = json.dumps(clip(deep), ensure_ascii=False)
    assert text.count("{") <= 7 and '"…"' in text


def test_the_distribution_as_the_dialects_describe_it(write_tree):
    root = write_tree(
        {
            **INITIALIZER,
            "content.properties": "name=clinic\nomod.initializer=2.9.0\nomod.idgen=4.0\n",
            "dependencies.yml": "- groupId: org.openmrs.content\n  artifactId: hiv\n",
            "constants.yml": "ward:\n  name: Ward A\n",
        }
    )
    model = build_report(check_directory(root))
    facts = {f["what"]: (f["value"], f["source"]) for f in model["distribution"]["facts"]}
    assert facts["Modules the distribution lists"][0] == "idgen, initializer"
    assert facts["Modules the distribution lists"][1].startswith("content.properties")
    assert facts["Parent configurations"][0] == "hiv"
    # listings are not configuration: neither objects nor graph nodes; constants are
    ns = {n["id"]: n for n in model["namespaces"]}
    assert "iniz:module" not in ns and "iniz:dependency" not in ns
    assert ns["iniz:constant"]["objects"] == 1 and ns["iniz:constant"]["rule"] == "first"
    legend = {d["title"]: d["used"] for d in model["distribution"]["dialects"]}
    assert legend == {"Initializer configuration": True, "Config Directory": False}
