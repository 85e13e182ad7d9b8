"""Releases at the edge: git, the release state of a checkout, changelog, citation, bundle, pinned builds.

The core never runs git: :func:`manualkit.release.state.release_info` computes a
:class:`~manualkit.core.release.ReleaseInfo` here and the commands hand it to ``load_project``.
"""
