"""Reports for researchers and editors, generated from resolved variants."""
