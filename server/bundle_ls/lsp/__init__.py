"""The language server: LSP over stdio with pygls; a thin layer over the core."""
