"""The analysis context is explicit: worker processes started by `spawn` (the only start
method on Windows) and by `fork` find the same; severity overrides apply to every code."""

from __future__ import annotations

from pathlib import Path

from bundle_ls.batch.runner import PARALLEL_MIN_BYTES, check_directory

U = "{:08x}-0000-4000-8000-000000000000"


def _configuration(root: Path) -> Path:
    """A `configuration/` folder checked as itself (its top-level folders are domains, an
    answer that depends on the checked directory, not on a file's path), big enough to be
    analysed by worker processes, with a few mistakes."""
    cfg = root / "configuration"
    for domain, header in (
        ("locations", "Uuid,Name,Parent,Tags\n"),
        ("locationtags", "Uuid,Name\n"),
        ("roles", "Uuid,Role name,Privileges\n"),
        ("privileges", "Uuid,Privilege name\n"),
    ):
        (cfg / domain).mkdir(parents=True)
        rows = []
        for i in range(2500):
            n = hash(domain) % 1000 * 100000 + i
            if domain == "locations":
                parent = f"Ward {i - 1}" if i else ""
                rows.append(f"{U.format(n)},Ward {i},{parent},Login Location\n")
            elif domain == "roles":
                rows.append(f"{U.format(n)},Role {i},Privilege {i}\n")
            else:
                rows.append(
                    f"{U.format(n)},{'Privilege' if domain == 'privileges' else 'Tag'} {i}\n"
                )
        (cfg / domain / f"{domain}.csv").write_text(header + "".join(rows))
    (cfg / "locations" / "more.csv").write_text(
        "Uuid,Name,Parent\n" + f"{U.format(1)},Annex,Ward 12\n{U.format(1)},Annex B,Wrd 12\n"
    )
    (cfg / "roles" / "typo.csv").write_text("Uuid,Role name,Privilegs\n,Nurse,Privilege 1\n")
    return cfg


def _summary(result) -> tuple:
    keys = sum(len(f.keys) for f in result.index.files.values())
    diags = sorted((d.path, d.range, d.code, d.severity, d.message) for d in result.diagnostics)
    return keys, diags


def test_spawned_and_forked_workers_find_the_same(tmp_path: Path) -> None:
    cfg = _configuration(tmp_path)
    assert sum(f.stat().st_size for f in cfg.rglob("*.csv")) > PARALLEL_MIN_BYTES
    forked = _summary(check_directory(cfg, jobs=2, start_method="fork"))
    spawned = _summary(check_directory(cfg, jobs=2, start_method="spawn"))
    alone = _summary(check_directory(cfg, jobs=1))
    keys, diags = forked
    assert keys > 20_000
    codes = {d[2] for d in diags}
    assert {"duplicate-uuid", "unknown-header", "unresolved-reference"} <= codes
    assert spawned == forked == alone


def test_severity_overrides_apply_to_every_code(tmp_path: Path) -> None:
    cfg = tmp_path / "configuration"
    (cfg / "roles").mkdir(parents=True)
    (cfg / "roles" / "r.csv").write_text("Uuid,Role name,Privilegs\n,Nurse,P\n")
    codes = {d.code: d.severity for d in check_directory(tmp_path, jobs=1).diagnostics}
    assert codes == {"unknown-header": "error"}
    (tmp_path / "bundle-ls.yaml").write_text("severity:\n  unknown-header: off\n")
    assert check_directory(tmp_path, jobs=1).diagnostics == []
    (tmp_path / "bundle-ls.yaml").write_text("severity:\n  unknown-header: hint\n")
    (d,) = check_directory(tmp_path, jobs=1).diagnostics
    assert (d.code, d.severity) == ("unknown-header", "hint")


def test_an_unknown_code_in_the_settings_is_reported_where_it_is(tmp_path: Path) -> None:
    (tmp_path / "bundle-ls.yaml").write_text("severity:\n  unknown-heder: off\nexclud: [x]\n")
    found = sorted(check_directory(tmp_path, jobs=1).diagnostics, key=lambda d: d.range)
    assert [(d.path, d.range, d.code) for d in found] == [
        ("bundle-ls.yaml", (1, 2, 1, 15), "settings"),
        ("bundle-ls.yaml", (2, 0, 2, 6), "settings"),
    ]
    assert "did you mean 'unknown-header'?" in found[0].message
    assert "did you mean 'exclude'?" in found[1].message
