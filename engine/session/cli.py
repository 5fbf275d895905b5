"""`gradstudio train`: train a session file headless with a progress bar and write its run folder.

Qt is imported only when plots are asked for, and then on the offscreen platform: the command needs
no display. Exit codes: 0 done, 1 diverged, 2 bad input (the message goes to stderr).
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path
from typing import TextIO

EXIT_DONE, EXIT_DIVERGED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
DENSE_STEPS = 256  # every step's parameters for the Parameters plot up to here, then a few per doubling

COMMANDS_HELP = """\
commands:
  gradstudio [SESSION]      open the window (on SESSION, a session file, if given)
  gradstudio train SESSION  train SESSION without a window and write a run folder
                            (weights, history CSV, session, plots, README);
                            see: gradstudio train --help
  gradstudio --install-desktop-entry
                            put GradStudio in the desktop's application menu
"""


def build_parser() -> argparse.ArgumentParser:
    from engine.session.export import DTYPES, WEIGHT_FORMATS

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
               "examples:\n  gradstudio train linear-regression --steps 500 --out runs/linear\n"
               "  gradstudio train my-session.json --out runs/mine")
    parser.add_argument("session", metavar="SESSION",
                        help="a session file (.json), as File → Save writes, or the name of one that comes with "
                             "GradStudio: " + ", ".join(_trainable_names()))
    parser.add_argument("--steps", type=int, metavar="N",
                        help="how many steps to train now (default: what is left of the session's step limit)")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR",
                        help="the run folder to write: a new or empty folder, or one a run was written to "
                             "before (its files are replaced); GradStudio writes nothing outside it")
    parser.add_argument("--force", action="store_true",
                        help="write into DIR even if it holds other files (those named as a run's are replaced)")
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


class ProgressBar:
    """Steps, loss, rate and ETA on one line: redrawn in place on a terminal, a new line every few
    seconds otherwise (logs stay readable)."""

    WIDTH = 24

    def __init__(self, total: int, stream: TextIO, start_step: int = 0, interval: float | None = None) -> None:
        self.total, self.stream, self.start_step = total, stream, start_step
        self.terminal = hasattr(stream, "isatty") and stream.isatty()
        self.interval = interval if interval is not None else (0.1 if self.terminal else 5.0)
        self.started = time.monotonic()
        self._last_draw = -math.inf
        self._width = 0

    def update(self, done: int, step: int, loss: float, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_draw < self.interval:
            return
        self._last_draw = now
        self._draw(self.line(done, step, loss, now - self.started))

    def line(self, done: int, step: int, loss: float, elapsed: float) -> str:
        fraction = done / self.total if self.total else 1.0
        filled = int(round(fraction * self.WIDTH))
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - done) / rate if rate > 0 else math.inf
        return (f"step {step:,} ({done:,}/{self.total:,}) [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
                f"{100 * fraction:5.1f}%  loss {loss:.6g}  {rate:,.0f} steps/s  ETA {_duration(eta)}")

    def _draw(self, text: str) -> None:
        if self.terminal:
            self.stream.write("\r" + text.ljust(self._width))
            self._width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self, done: int, step: int, loss: float) -> None:
        self.update(done, step, loss, force=True)
        if self.terminal:
            self.stream.write("\n")
            self.stream.flush()


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "--:--"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


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
    from engine.session.export import ExportError, check_run_folder, export_run_folder
    from engine.session.session_file import SessionFileError, read_session_file
    from engine.session.trainer import Trainer

    try:
        plot_size = None if args.no_plots else _plot_size(args.plot_size)
    except ValueError as error:
        raise _BadInput(error) from None
    if args.steps is not None and args.steps < 0:
        raise _BadInput("--steps must be 0 or more")
    try:
        check_run_folder(args.out, args.force)  # before training, not after
    except ExportError as error:
        raise _BadInput(error) from None
    path = _session_path(args.session)
    try:
        session = read_session_file(path)
    except SessionFileError as error:
        raise _BadInput(error) from None
    _refuse_lesson_without_model(args.session, session.config.name)
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
    bar = None if args.quiet else ProgressBar(steps, err, start)
    code = EXIT_DONE
    try:
        for loss in trainer.run():
            if record and wants_sample(trainer.step):
                samples.append(trainer.snapshot())
            if bar is not None:
                bar.update(trainer.step - start, trainer.step, loss)
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    if bar is not None:
        bar.finish(trainer.step - start, trainer.step, trainer.last_loss)
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
                                args.dtype, force=args.force)
    except ExportError as error:
        raise _BadInput(error) from None
    names = ", ".join(path.name for path in run.files())
    print(f"Trained {trainer.step - start:,} steps (to step {trainer.step:,}, loss {trainer.last_loss:.6g}); "
          f"wrote {run.folder}: {names}")
    if trainer.problem != "regression" or len(trainer.test_index):
        print(evaluation_line(trainer.evaluate()))
    return code


def evaluation_line(evaluation) -> str:
    """"train loss …, test loss …; train accuracy …%, test accuracy …%" (the parts that exist)."""
    parts = [f"train loss {evaluation.train_loss:.6g}"]
    if evaluation.test_loss is not None:
        parts.append(f"test loss {evaluation.test_loss:.6g}")
    line = ", ".join(parts)
    if evaluation.train_accuracy is not None:
        accuracies = [f"train accuracy {100 * evaluation.train_accuracy:.1f}%"]
        if evaluation.test_accuracy is not None:
            accuracies.append(f"test accuracy {100 * evaluation.test_accuracy:.1f}%")
        line += "; " + ", ".join(accuracies)
    return line


def _trainable_names() -> list[str]:
    from engine.session.lessons import bundled_sessions, is_trainable, lesson_by_id

    def trainable(path: Path) -> bool:
        return not path.stem[:2].isdigit() or is_trainable(lesson_by_id(path.stem))
    return [name for name, path in bundled_sessions().items() if trainable(path)]


def _session_path(name: str) -> Path:
    """A session file's path, or the bundled session of that name (`linear-regression`, `mlp`)."""
    from engine.session.lessons import bundled_sessions

    path = Path(name)
    if path.exists():
        return path
    bundled = bundled_sessions()
    if name in bundled:
        return bundled[name]
    if path.suffix.lower() != ".json" and len(path.parts) == 1:
        raise _BadInput(f"{name}: no such session file, and no session of that name comes with GradStudio; "
                        f"those are: {', '.join(_trainable_names())}")
    return path  # reading it says what is wrong


def _refuse_lesson_without_model(name: str, session_name: str) -> None:
    from engine.session.lessons import is_trainable, lesson_of

    lesson = lesson_of(session_name)
    if lesson is not None and not is_trainable(lesson):
        raise _BadInput(f"{name} is a lesson file (“{lesson.title}”): a program to run step by step in the window's "
                        f"scratchpad, with no model to train. Open it in the window with `gradstudio {name}`; "
                        f"sessions with a model to train: {', '.join(_trainable_names())}")


if __name__ == "__main__":
    sys.exit(main())
