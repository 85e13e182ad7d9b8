"""Jinja's sandbox as the manual's variables use it, with limits (see core/variables.py)."""
from __future__ import annotations

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment


class LimitedSandbox(SandboxedEnvironment):
    """Jinja's sandbox with limits: no range longer than 1000, no arithmetic on huge numbers.

    Content only ever renders plain ``{{ name }}`` (see ``variables.render``), so nothing reaches these
    limits in practice; they stand in case a template with logic ever gets through.
    """

    MAX_RANGE = 1000  # enforced by _limited_range
    _MAX_NUMBER = 10 ** 12
    intercepted_binops = frozenset({"*", "**"})  # these go through call_binop (and are not folded early)

    def call_binop(self, context, operator, left, right):
        if operator in ("**", "*") and any(isinstance(x, (int, float, str, list, tuple)) and not isinstance(x, bool)
                                                 for x in (left, right)):
            sizes = [abs(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else len(x)
                     if isinstance(x, (str, list, tuple)) else 0 for x in (left, right)]
            if operator != "*" or max(sizes) > self._MAX_NUMBER or sizes[0] * sizes[1] > self._MAX_NUMBER:
                from jinja2.exceptions import SecurityError

                raise SecurityError(f"the operation '{operator}' is not allowed in the manual's text")
        return super().call_binop(context, operator, left, right)


def _limited_range(*args: int) -> range:
    found = range(*args)
    if len(found) > LimitedSandbox.MAX_RANGE:
        raise OverflowError(f"a range longer than {LimitedSandbox.MAX_RANGE} is not allowed")
    return found


def environment() -> SandboxedEnvironment:
    env = _environment()
    env.globals["range"] = _limited_range  # Jinja's own safe_range allows 100 000
    return env


def _environment() -> SandboxedEnvironment:
    return LimitedSandbox(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True,
        comment_start_string="<#jinja-comment#", comment_end_string="#jinja-comment#>",
        line_statement_prefix=None, line_comment_prefix=None,
    )


__all__ = ["LimitedSandbox", "environment"]
