"""manualkit: checks, adapts and publishes the Family Partner intervention manual.

Four stages, one folder each (see docs/architecture.md):

- ``core/``     load (files → records with path and line), validate (→ problems) and resolve
                (base + overlay + variables → one ResolvedVariant). Pure: no printing, no
                subprocesses, no writes.
- ``outputs/``  one entry per output in one registry; each reads only a ResolvedVariant.
- ``editing/``  the few edits the toolkit makes to source files, only when asked.
- ``cli/``      argument parsing, commands and formatting of what a person reads.
"""
