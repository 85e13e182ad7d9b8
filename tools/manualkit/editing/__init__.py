"""The edits the toolkit makes to source files, only when a command asks for them.

Line-level and minimal: comments, key order, BOM and line endings are kept.
"""
