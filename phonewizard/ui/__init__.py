"""PySide6 wizard: the only package that imports Qt.

PySide6-Essentials is pinned below 6.12 in pyproject.toml: 6.12.0 on CPython 3.11 drops a
reference to None on every void call and aborts the process after a few thousand calls
(guarded by tests/test_packaging.py).
"""
