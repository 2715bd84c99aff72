"""Entry point: no arguments opens the wizard, anything else is a headless command.

`--version` and `--selftest` are answered here so neither needs the GUI (and `--version`
never loads Qt); the packaged build uses this same file as its entry script.
"""

import sys


def one_line_warnings() -> None:
    """A library's warning reaches the user as one line, `warning: …`, never with the file name
    and source line Python prints by default (nothing a user of the wizard or CLI can act on)."""
    import warnings

    def show(message, category, filename, lineno, file=None, line=None):  # noqa: ARG001 - the hook's signature
        try:
            (file or sys.stderr).write(f"warning: {message}\n")
        except (OSError, AttributeError, ValueError):  # no stderr (a GUI bundle on Windows), or closed
            pass

    warnings.showwarning = show


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    one_line_warnings()
    if args[:1] == ["--version"]:
        from phonewizard import __version__

        print(f"phonewizard {__version__}")
        return 0
    if args[:1] == ["--selftest"]:
        from phonewizard.selftest import main as selftest_main

        return selftest_main(args[1:])
    if not args:
        # Imported lazily so headless commands never load Qt.
        from phonewizard.ui.app import run_gui

        return run_gui(args)
    from phonewizard.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
