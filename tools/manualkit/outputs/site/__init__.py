"""The site renderer: one variant's resolved manual → a bilingual mkdocs-material site.

Public entry point: :func:`manualkit.outputs.site.build.build_site`. Material and mkdocs-static-i18n
are used only through this package (and the root mkdocs.yml), so the theme can be replaced in
one place.
"""
