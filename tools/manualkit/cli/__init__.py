"""The `manual` command: argument parsing, commands, and formatting of what a person reads."""
from manualkit.cli.main import main

__all__ = ["main"]
