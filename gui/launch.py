"""The `gradstudio` command: opens the window, trains headless (`train`, importing no Qt) or installs the
desktop entry (`--install-desktop-entry`)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["train"]:
        # Headless training must not pay for (or require) Qt: only import it for the window.
        try:
            from engine.session.cli import main as train_main
        except ImportError:
            print("gradstudio: 'train' is not available yet in this version", file=sys.stderr)
            return 2
        return train_main(args[1:], make_plot_renderer=_plot_renderer)
    if args[:1] == ["--install-desktop-entry"]:
        from gui.desktop_entry import main as install_main  # imports no Qt
        return install_main()
    from gui.app import run_app

    return run_app(args)


def _plot_renderer(*args, **kwargs):
    """Qt draws the headless run's plots; imported only when plots are asked for."""
    from gui.plot_export import run_plot_renderer

    return run_plot_renderer(*args, **kwargs)


if __name__ == "__main__":
    sys.exit(main())
