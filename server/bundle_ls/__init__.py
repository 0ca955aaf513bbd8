"""bundle-ls: a language server and batch checker for OpenMRS configuration bundles."""

__version__ = "0.1.0"
