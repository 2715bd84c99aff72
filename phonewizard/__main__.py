"""Entry point: no arguments opens the wizard, anything else is a headless command."""

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("--selftest",):
        # Imported lazily so headless commands never load Qt.
        from phonewizard.ui.app import run_gui

        return run_gui(args)
    from phonewizard.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
