"""Diagnostic checks, one module per family.

Per-file checks (syntax, schema, namespaces) run while a file is analysed; cross-file
checks (keys and conflicts, references, files) are pure functions of the project index
and one file's facts, so the server can re-run them for exactly the files an edit affects.
"""
