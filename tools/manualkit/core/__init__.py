"""The pure core: load, validate, resolve. Plain data in, plain data out.

Nothing here prints, starts a process or writes a file; reading source files is load's job alone.
Nothing here imports from ``outputs``, ``editing`` or ``cli``.
"""
