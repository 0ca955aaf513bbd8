"""One domain CSV: Initializer's header rules, cell types and uuids."""

from __future__ import annotations

U1 = "0ee1ed8c-1ba9-4c9e-a4c2-0e1e8c4f5f0a"
U2 = "5b8a2b0e-5c7e-4a53-9a43-3f3c1a1e2d10"


def test_headers_are_matched_trimmed_and_without_case(repo) -> None:
    repo.write(
        "configuration/locationtags/t.csv",
        f"UUID , void/retire,  NAME,Description,_order:100,Display:fr\n{U1},,Login Location,,,Lieu\n",
    )
    assert repo.diags() == []


def test_unknown_header_with_and_without_a_close_one(repo) -> None:
    repo.write(
        "configuration/personattributetypes/p.csv",
        f"Uuid,Name,Format,Foreign,Searchable,Comment\n{U1},Phone,java.lang.String,,,\n",
    )
    found = {d.range: (d.severity, d.message) for d in repo.diags("unknown-header")}
    # no row has a value under `Foreign` yet: nothing is lost, a warning
    assert found[(0, 17, 0, 24)][0] == "warning"
    assert "did you mean 'Foreign uuid'?" in found[(0, 17, 0, 24)][1]
    assert found[(0, 36, 0, 43)][0] == "information"


def test_a_misnamed_header_is_an_error_once_a_row_has_a_value_under_it(repo) -> None:
    """Issue 13 rule 5 (effect decides severity): Initializer's CsvLine.get finds columns by
    their normalised header only, so the values under `Foreign` are silently lost."""
    path = "configuration/personattributetypes/p.csv"
    repo.write(
        path,
        f"Uuid,Name,Format,Foreign\n{U1},Phone,java.lang.String,\n"
        f"{U2},Civil status,org.openmrs.Concept,{U1}\n",
    )
    (d,) = repo.diags("unknown-header")
    assert (d.range, d.severity) == ((0, 17, 0, 24), "error")
    assert "never read" in d.message and "'Foreign uuid'" in d.message


def test_repeated_header_after_normalisation(repo) -> None:
    repo.write("configuration/visittypes/v.csv", f"Uuid,Name, name ,Description\n{U1},Out,Out,\n")
    (d,) = repo.diags("duplicate-header")
    assert d.range == (0, 11, 0, 15) and d.severity == "error"
    assert d.related[0].range == (0, 5, 0, 9)


def test_missing_required_column_only_matters_with_rows(repo) -> None:
    repo.write("configuration/visittypes/v.csv", "Name,Description\nOut,\n")
    (d,) = repo.diags("schema")
    assert "'Uuid'" in d.message and d.range == (0, 0, 0, 4)
    repo.write("configuration/visittypes/v.csv", "Name,Description\n")
    assert repo.diags("schema") == []


def test_conceptsets_have_no_uuid_column(repo) -> None:
    repo.write(
        "configuration/conceptsets/s.csv",
        "Concept,Member,Member Type,Sort Weight\nA,B,CONCEPT-SET,1\n",
    )
    assert repo.diags() == []


def test_uuid_rule_is_36_characters_not_rfc_4122(repo) -> None:
    ciel = "1114AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    legacy = "5089" + "A" * 28
    repo.write(
        "configuration/concepts/c.csv",
        "Uuid,Fully specified name:en,Data class,Data type\n"
        f"{ciel},Weight,Finding,Numeric\n{legacy},Height,Finding,Numeric\nabc,Bad,Finding,Text\n",
    )
    (d,) = repo.diags("schema")
    assert d.range == (3, 0, 3, 3) and "3 characters" in d.message


def test_wrong_types_and_closed_sets(repo) -> None:
    repo.write(
        "configuration/concepts/c.csv",
        "Uuid,Fully specified name:en,Data class,Data type,Absolute high,Display precision\n"
        f"{U1},Weight,Finding,Numerc,1e3,2\n{U2},Height,Finding,numeric,tall,2.5\n",
    )
    found = {d.range: d.message for d in repo.diags("schema")}
    assert "did you mean 'Numeric'?" in found[(1, 52, 1, 58)]
    assert "must be a number" in found[(2, 60, 2, 64)]
    assert "must be a whole number" in found[(2, 65, 2, 68)]
    assert len(found) == 3


def test_concepts_need_a_fully_specified_name_header(repo) -> None:
    repo.write(
        "configuration/concepts/c.csv",
        f"Uuid,Short name:en,Data class,Data type\n{U1},W,Finding,Text\n",
    )
    (d,) = repo.diags("schema")
    assert "fully specified name" in d.message.lower()


def test_rows_longer_than_the_header(repo) -> None:
    repo.write("configuration/visittypes/v.csv", f"Uuid,Name\n{U1},Out,,,\n{U2},In,,oops\n")
    (d,) = repo.diags("extra-cells")
    assert d.range == (2, 41, 2, 45) and d.severity == "warning"


def test_order_must_be_a_whole_number(repo) -> None:
    repo.write(
        "configuration/privileges/p.csv", f"Uuid,Privilege name,_order:first\n{U1},App: x,\n"
    )
    (d,) = repo.diags("schema")
    assert d.range == (0, 20, 0, 32)
    repo.write("configuration/privileges/p.csv", f"Uuid,Privilege name,_order\n{U1},App: x,\n")
    assert repo.diags() == []


def test_void_retire_takes_any_text(repo) -> None:
    repo.write(
        "configuration/encountertypes/e.csv",
        f'Uuid,Void/Retire,Name\n{U1},"# referenced by code",Visit\n{U2},Yes,Admission\n',
    )
    assert repo.diags() == []


def test_header_reference_and_tag_columns(repo) -> None:
    repo.write("configuration/locationtags/t.csv", f"Uuid,Name\n{U1},Login Location\n")
    repo.write(
        "configuration/locations/l.csv",
        f"Uuid,Name,Tag|Login Locaton,Tag|Some Core Tag\n{U2},Ward,TRUE,TRUE\n",
    )
    (d,) = repo.diags("unresolved-reference")
    assert d.range == (0, 14, 0, 27)
    assert "did you mean 'Login Location'?" in d.message


def test_mistakes_seen_in_real_repositories(repo) -> None:
    """From ../shared/design/initializer.md: `Absolue low` (Haiti concepts) and
    `Description:en` in visittypes (MSF), both silently ignored by Initializer."""
    repo.write(
        "configuration/concepts/c.csv",
        f"Uuid,Fully specified name:en,Data class,Data type,Absolue low\n{U1},Weight,Finding,Numeric,0\n",
    )
    repo.write(
        "configuration/visittypes/v.csv",
        f"Uuid,Name,Description:en,Description:fr\n{U2},Outpatient,Walk-in,Externe\n",
    )
    found = {(d.path, d.range): d for d in repo.diags("unknown-header")}
    absolue = found[("configuration/concepts/c.csv", (0, 50, 0, 61))]
    assert absolue.severity == "error" and "did you mean 'Absolute low'?" in absolue.message
    for rng in ((0, 10, 0, 24), (0, 25, 0, 39)):
        d = found[("configuration/visittypes/v.csv", rng)]
        assert d.severity == "error" and "did you mean 'Description'?" in d.message
    assert len(found) == 3


def test_repeated_empty_and_metadata_headers(repo) -> None:
    repo.write("configuration/visittypes/v.csv", f"Uuid,Name,,\n{U1},Out,a,b\n")
    (d,) = repo.diags("duplicate-header")
    assert d.range == (0, 11, 0, 11) and "2 columns, from column 3" in d.message
    repo.write("configuration/visittypes/v.csv", f"Uuid,Name,\n{U1},Out,\n")
    assert repo.diags("duplicate-header") == []
    repo.write("configuration/visittypes/v.csv", f"Uuid,Name,_order:1,_order:2\n{U1},Out,,\n")
    (d,) = repo.diags("duplicate-header")
    assert d.range == (0, 19, 0, 27) and "'_order:'" in d.message


def test_the_editor_turns_a_misnamed_header_into_an_error_as_a_value_is_typed(repo) -> None:
    """A row edited alone (the editor's incremental path) decides the header's severity as
    `--check` does."""
    from bundle_ls.editor.workspace import Workspace

    rel = "configuration/personattributetypes/p.csv"
    text = f"Uuid,Name,Format,Foreign\n{U1},Phone,java.lang.String,\n"
    repo.write(rel, text)
    ws = Workspace.load(repo.root)
    ws.index_files(ws.discover())
    ws.open(rel, text, 1)
    assert [(d.code, d.severity) for d in ws.diagnostics(rel)] == [("unknown-header", "warning")]
    end = len(text.split("\n")[1])
    ws.change(rel, [((1, end, 1, end), U2)], 2)
    ws.flush(rel)
    assert [(d.code, d.severity) for d in ws.diagnostics(rel)] == [("unknown-header", "error")]
    repo.write(rel, text.rstrip("\n") + U2 + "\n")  # the same file on disk
    assert [(d.code, d.severity) for d in repo.diags()] == [("unknown-header", "error")]
