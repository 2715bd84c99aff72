"""PySide6 wizard: the only package that imports Qt."""
