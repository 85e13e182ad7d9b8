"""DOCX for a review round: chapters as Word files with real styles, traceable to their sources."""
