"""The print renderer: resolved manual → Markdown → (pandoc) Typst → (typst) PDF.

Book, session guides and handouts of one variant and language come from one pandoc run:
every module is converted once into a Typst fragment, and each PDF is assembled from the
fragments it needs, so a module looks the same in the book and in a trainer's handout.
"""
