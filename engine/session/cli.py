"""`gradstudio train`: train a session file headless with a progress bar and write its run folder.

Qt is imported only when plots are asked for, and then on the offscreen platform: the command needs
no display. Exit codes: 0 done, 1 diverged, 2 bad input (the message goes to stderr).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

EXIT_DONE, EXIT_DIVERGED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
DENSE_STEPS = 256  # every step's parameters for the Parameters plot up to here, then a few per doubling

COMMANDS_HELP = """\
commands:
  gradstudio [SESSION]      open the window (on SESSION, a session file, if given)
  gradstudio train SESSION  train SESSION without a window and write a run folder
                            (weights, history CSV, session, plots, README);
                            see: gradstudio train --help
"""


def build_parser() -> argparse.ArgumentParser:
    from engine.session import choices
    from engine.session.export import DTYPES, WEIGHT_FORMATS

    settings = "\n".join(f"  {name}: {', '.join(table)}" for name, table in (
        ("model.kind", choices.MODEL_KINDS), ("model.activation", choices.ACTIVATIONS),
        ("data.source", choices.DATA_SOURCES), ("training.optimizer", choices.OPTIMIZERS),
        ("training.loss", choices.LOSSES)))

    parser = argparse.ArgumentParser(
        prog="gradstudio train",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Train a session file without a window, with a progress bar on stderr, and write a run "
                    "folder: the weights, the loss and parameter history (CSV), the session (to reopen and "
                    "continue in the window), the plots (PNG and SVG) and a README of the settings.\n\n"
                    "A session saved after training continues from where it stopped (see --restart).",
        epilog="exit status: 0 done, 1 the run diverged (the folder is still written, with the last finite "
               "parameters), 2 bad input (a session file or option that cannot be used; the message goes "
               "to stderr), 130 interrupted (the folder holds what was trained).\n\n"
               f"session file choices:\n{settings}\n\n"
               "example:\n  gradstudio train assets/examples/linear.json --steps 500 --out runs/linear")
    parser.add_argument("session", metavar="SESSION", help="a session file (.json), as File → Save writes")
    parser.add_argument("--steps", type=int, metavar="N",
                        help="how many steps to train now (default: what is left of the session's step limit)")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR",
                        help="the run folder to write (made if needed; files of the same name are replaced)")
    parser.add_argument("--weights-format", choices=WEIGHT_FORMATS, default="safetensors",
                        help="the weights file format (default: %(default)s)")
    parser.add_argument("--dtype", choices=DTYPES, default="float32", help="the weights' dtype (default: %(default)s)")
    parser.add_argument("--no-plots", action="store_true",
                        help="write no plot images (and never import Qt)")
    parser.add_argument("--plot-size", default="1200x800", metavar="WxH",
                        help="PNG size in pixels (default: %(default)s)")
    parser.add_argument("--restart", action="store_true",
                        help="start from step 0 even if the session holds a trained state")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


class _LinePerRefresh:
    """Where the progress bar writes when stderr is not a terminal: each refresh as a whole line, so
    logs get a readable line every few seconds instead of carriage returns."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> None:
        text = text.replace("\r", "").rstrip()
        if text:
            self.stream.write(text + "\n")

    def flush(self) -> None:
        self.stream.flush()


def progress_bar(steps: int, stream: TextIO, start_step: int = 0) -> tqdm:
    """Steps (counted from the session's own step), rate, ETA and the loss, by tqdm: redrawn in place
    on a terminal, a new line every few seconds otherwise."""
    terminal = hasattr(stream, "isatty") and stream.isatty()
    return tqdm(total=start_step + steps, initial=start_step, desc="step", unit=" steps",
                file=stream if terminal else _LinePerRefresh(stream), mininterval=0.1 if terminal else 5.0,
                dynamic_ncols=terminal, ascii=not terminal)


def wants_sample(step: int) -> bool:
    """Steps whose parameters the Parameters plot keeps: all of the first DENSE_STEPS, then a few per doubling."""
    if step <= DENSE_STEPS:
        return True
    return step % (1 << (step // DENSE_STEPS).bit_length()) == 0


def _plot_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"--plot-size: {text!r} is not WIDTHxHEIGHT, such as 1200x800") from None
    if not (16 <= width <= 8000 and 16 <= height <= 8000):
        raise ValueError("--plot-size: width and height must be 16 to 8000 pixels")
    return width, height


def main(argv: list[str] | None = None, make_plot_renderer=None) -> int:
    """The `gradstudio train` command; returns the exit status.

    make_plot_renderer(config, trainer, samples, size=...) draws the plots; the launcher in
    gui/ passes it, so that engine/ itself never imports gui/ or Qt.
    """
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    err = sys.stderr
    try:
        return _train(args, err, make_plot_renderer)
    except _BadInput as error:
        print(f"gradstudio train: {error}", file=err)
        return EXIT_BAD_INPUT


class _BadInput(Exception):
    pass


def _train(args: argparse.Namespace, err: TextIO, make_plot_renderer) -> int:
    from dataclasses import replace

    from engine.session.config import ConfigError
    from engine.session.export import ExportError, export_run_folder
    from engine.session.session_file import SessionFileError, read_session_file
    from engine.session.trainer import Trainer

    try:
        plot_size = None if args.no_plots else _plot_size(args.plot_size)
    except ValueError as error:
        raise _BadInput(error) from None
    if args.steps is not None and args.steps < 0:
        raise _BadInput("--steps must be 0 or more")
    try:
        session = read_session_file(args.session)
    except SessionFileError as error:
        raise _BadInput(error) from None
    from engine import kernels
    kernels.warmup(background=True)  # training starts on the numpy twins; numba takes over when compiled
    config = session.config
    trainer = session.trainer
    if args.restart:
        try:
            trainer = Trainer(config)
        except ConfigError as error:
            raise _BadInput(error) from None
    start = trainer.step
    limit = config.training.steps
    if args.steps is not None:
        steps = args.steps
    elif limit is None:
        raise _BadInput(f"{args.session} trains until stopped; say how long with --steps N")
    else:
        steps = max(limit - start, 0)
    if trainer.diverged:
        raise _BadInput(f"{args.session} holds a run that diverged ({trainer.diverged}); "
                        "use --restart, after lowering the learning rate")
    trainer.config.training.steps = start + steps

    samples = []
    record = plot_size is not None
    if record:
        samples.append(trainer.snapshot())
    bar = None if args.quiet else progress_bar(steps, err, start)
    code = EXIT_DONE
    try:
        for loss in trainer.run():
            if record and wants_sample(trainer.step):
                samples.append(trainer.snapshot())
            if bar is not None:
                bar.set_postfix_str(f"loss {trainer.last_loss:.6g}", refresh=False)
                bar.update(trainer.step - bar.n)
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    if bar is not None:
        bar.set_postfix_str(f"loss {trainer.last_loss:.6g}", refresh=False)
        bar.update(trainer.step - bar.n)
        bar.close()
    if trainer.diverged:
        print(f"gradstudio train: diverged: {trainer.diverged}", file=err)
        code = EXIT_DIVERGED
    elif code == EXIT_INTERRUPTED:
        print(f"gradstudio train: interrupted at step {trainer.step:,}; writing what was trained", file=err)
    if record and (not samples or samples[-1].step != trainer.step):
        samples.append(trainer.snapshot())

    renderer = None
    if plot_size is not None:
        if make_plot_renderer is None:
            raise _BadInput("this entry point cannot draw plots; run `gradstudio train`, or use --no-plots")
        # Plots are drawn by Qt, which must not look for a display: offscreen, whatever the environment says.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        try:
            renderer = make_plot_renderer(config, trainer, samples, size=plot_size)
        except ImportError as error:
            raise _BadInput(f"cannot draw plots without Qt ({error}); use --no-plots") from None
    saved_config = replace(config, training=replace(config.training, steps=limit))
    try:
        run = export_run_folder(args.out, saved_config, trainer, args.weights_format, renderer, session.scratchpad,
                                args.dtype)
    except ExportError as error:
        raise _BadInput(error) from None
    names = ", ".join(path.name for path in run.files())
    print(f"Trained {trainer.step - start:,} steps (to step {trainer.step:,}, loss {trainer.last_loss:.6g}); "
          f"wrote {run.folder}: {names}")
    return code


if __name__ == "__main__":
    sys.exit(main())
