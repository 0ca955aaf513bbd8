"""OpenMRS Initializer configuration: domain folders of CSV (and XML/JSON) under
`configuration/`, checked the way Initializer's code reads them. See docs/initializer.md.

Functions for the language server live in `bundle_ls.initializer.features` and
`bundle_ls.initializer.placeholders`.
"""
