"""The use cases both front ends call (DESIGN.md "Layers"): no Qt, no argparse.

Each module is one job with typed inputs and outputs; `ui/` and `cli/` only gather input and
show what these return. Failures are the typed exceptions of `app.errors`, matched with isinstance.
"""
