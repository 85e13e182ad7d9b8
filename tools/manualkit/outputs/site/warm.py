"""mkdocs in this process, for the preview: every rebuild without a new interpreter.

`manual build` runs mkdocs in a fresh process per variant (outputs/site/build.py says why: one
municipality's plugin state must never reach the next). The preview builds one variant again
and again, as `mkdocs serve` itself does in one process, so `manual serve` runs mkdocs here:
no interpreter start, no imports, Material's and pymdown's modules stay loaded. Each rebuild
reads the generated config anew, so the plugins start from a fresh state every time; what
mkdocs logs is collected and judged exactly as the subprocess's output is (warnings are
errors, a failure keeps the last good site).
"""
from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

from manualkit.outputs.site.build import judge
from manualkit.outputs.site.stage import Staged


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(f"{record.levelname} - {record.getMessage()}")
        except Exception:  # noqa: BLE001 - a message that cannot be formatted still counts
            self.lines.append(f"{record.levelname} - {record.msg!r}")


def _fresh_plugins() -> None:
    """New plugin objects for every build, as a new process would have.

    mkdocs keeps the plugins that have startup hooks in a cache on its config schema, which lives
    as long as the process, so that `mkdocs serve` can reuse them. mkdocs-static-i18n then adds
    every build's search entries to those of all the builds before (its list is made only when
    the plugin is), and the preview's search index grew several times over with each edit. The
    preview merges the index itself (cli/serve.py), so it needs nothing from an earlier build.
    """
    from mkdocs.config.defaults import MkDocsConfig

    cache = getattr(getattr(MkDocsConfig, "plugins", None), "plugin_cache", None)
    if isinstance(cache, dict):
        cache.clear()


_ONE_AT_A_TIME = threading.Lock()  # mkdocs' logger, its plugin cache and sys.argv are the process's


def run_mkdocs_here(config: Path, staged: Staged, dirty: bool = False) -> None:
    """What :func:`~manualkit.outputs.site.build.run_mkdocs` does, in this process.

    One build at a time per process: mkdocs counts the warnings of its whole logger (a second
    build's would fail the first), and mkdocs-static-i18n reads ``--dirty`` from ``sys.argv``."""
    with _ONE_AT_A_TIME:
        said, failed = _build_here(config, dirty)
    judge(said, failed, staged, dirty)


def _build_here(config: Path, dirty: bool) -> tuple[str, bool]:
    from mkdocs import config as mkdocs_config
    from mkdocs.commands import build as mkdocs_build

    logger = logging.getLogger("mkdocs")
    collect = _Collect()
    saved = (logger.level, logger.propagate)
    logger.addHandler(collect)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # collected here, shown by judge() like the subprocess's output
    failed = False
    argv = sys.argv[:]
    # mkdocs-static-i18n builds the other languages dirty exactly when it sees the flag there
    sys.argv = [a for a in argv if a not in ("--dirty", "--dirtyreload")] + (["--dirty"] if dirty else [])
    _fresh_plugins()
    try:
        cfg = mkdocs_config.load_config(config_file=str(config), strict=not dirty)
        cfg.plugins.on_startup(command="build", dirty=dirty)
        try:
            mkdocs_build.build(cfg, dirty=dirty)
        finally:
            cfg.plugins.on_shutdown()
    except SystemExit as exc:  # click's Abort and mkdocs' own exits
        failed = True
        collect.lines.append(f"ERROR - {exc}")
    except Exception as exc:  # noqa: BLE001 - mkdocs, a plugin or a theme failed: the preview keeps its last site
        failed = True
        collect.lines.append(f"ERROR - {type(exc).__name__}: {exc}")
    finally:
        sys.argv = argv
        logger.removeHandler(collect)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
    return "\n".join(collect.lines), failed


__all__ = ["run_mkdocs_here"]
