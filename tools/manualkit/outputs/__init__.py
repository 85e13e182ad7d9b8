"""Outputs: each one reads a ResolvedVariant and writes into its own folder (see ``registry``)."""
