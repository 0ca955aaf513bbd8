"""Editor features as plain functions over a `Workspace`: no pygls here.

One module per feature (completion, hover, definition, references, rename, symbols,
code actions); `context` reads the cursor's place from text, `locate` from a parsed tree,
`schema_nav` answers what the module schemas allow at a path.
"""
