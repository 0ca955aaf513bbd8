"""`bundle-ls report`: one self-contained HTML page about a checked directory.

- `data.build_report(result, ...)` → the report model (plain data; the only module that
  reads the project index's internals), `data.object_counts(index)` for `--format json`,
  `data.effective_at(index, namespace, key, text_of)` / `data.effective_entry(...)` for the
  editor's hover, `data.also_defined_in(index, path)` for its code lens;
- `effective.resolve(...)`: which definition of a key wins (pure);
- `baseline`: new and fixed findings against an earlier `--check --format json`;
- `render.render_html(model)` → the page; `cli.main(argv)` → the command.
"""
