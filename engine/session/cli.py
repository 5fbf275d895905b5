"""`gradstudio train`: train a session file headless with a progress bar and write its run folder.

Qt is imported only when plots are asked for, and then on the offscreen platform: the command needs
no display. Exit codes: 0 done, 1 diverged, 2 bad input (the message goes to stderr).
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from engine.session.history import steps_to_next_sample, wants_sample

EXIT_DONE, EXIT_DIVERGED, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_TERMINATED = 143   # 128 + SIGTERM, as shells report a process ended by it

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
               "to stderr), 130 interrupted by Ctrl+C, 143 by SIGTERM (either way the folder holds what was "
               "trained).\n\n"
               f"session file choices:\n{settings}\n\n"
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
    parser.add_argument("--engine", choices=("compiled", "eager"), default="compiled",
                        help="compiled: the training step runs as one numba function once compiled (training "
                             "eagerly until then); eager: step by step in Python (default: %(default)s)")
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
    with _Signals() as signals:
        try:
            return _train(args, err, make_plot_renderer, signals)
        except _BadInput as error:
            print(f"gradstudio train: {error}", file=err)
            return EXIT_BAD_INPUT


def _check_out(folder: Path, force: bool) -> None:
    """The run folder can be made and written to (a test file is created and removed)."""
    import tempfile

    from engine.session.export import ExportError, prepare_folder
    from engine.session.files import describe_os_error

    try:
        with tempfile.TemporaryFile(dir=prepare_folder(folder, force)):
            pass
    except ExportError as error:
        raise _BadInput(error) from None
    except OSError as error:
        raise _BadInput(f"Cannot write {folder}: {describe_os_error(error)}") from None


class _Signals:
    """Ctrl+C (SIGINT) and SIGTERM only take note: training stops after the step it is in, a file
    being written is finished, the run so far is written, and the exit status names the signal.
    (Raising at an arbitrary point could tear a write or abort inside Qt while plots are drawn.)"""

    def __init__(self) -> None:
        self.received: int | None = None
        self._previous: dict[int, object] = {}

    def __enter__(self) -> "_Signals":
        for number in (signal.SIGINT, signal.SIGTERM):
            try:
                self._previous[number] = signal.signal(number, self._note)
            except ValueError:   # not the main thread (main() called from a test's worker): leave them
                pass
        return self

    def __exit__(self, *exc) -> None:
        for number, handler in self._previous.items():
            # after a signal the process is ending with its status: another Ctrl+C must not turn
            # that into a traceback on the way out
            signal.signal(number, signal.SIG_IGN if self.received else handler)

    def _note(self, number: int, frame) -> None:
        self.received = self.received or number

    @property
    def exit_code(self) -> int:
        return EXIT_TERMINATED if self.received == signal.SIGTERM else EXIT_INTERRUPTED


class _BadInput(Exception):
    pass


def _train(args: argparse.Namespace, err: TextIO, make_plot_renderer, signals: _Signals) -> int:
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
    trainer.engine_kind = args.engine
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
    _check_out(args.out, args.force)   # before training, not after hours of it
    trainer.config.training.steps = start + steps

    samples = []
    record = plot_size is not None
    if record:
        samples.append(trainer.snapshot())
    bar = None if args.quiet else progress_bar(steps, err, start)
    code = EXIT_DONE
    try:
        while True:
            # blocks of steps end where the Parameters plot wants a sample (compiled: one call per block)
            if not trainer.train_steps(min(steps_to_next_sample(trainer.step), 4096)):
                break
            if record and wants_sample(trainer.step):
                samples.append(trainer.snapshot())
            if bar is not None:
                bar.set_postfix_str(f"loss {trainer.last_loss:.6g}", refresh=False)
                bar.update(trainer.step - bar.n)
            if signals.received:
                break
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    if signals.received:
        code = signals.exit_code
    if bar is not None:
        bar.set_postfix_str(f"loss {trainer.last_loss:.6g}", refresh=False)
        bar.update(trainer.step - bar.n)
        bar.close()
    if trainer.diverged:
        print(f"gradstudio train: diverged: {trainer.diverged}", file=err)
        code = EXIT_DIVERGED
    elif code in (EXIT_INTERRUPTED, EXIT_TERMINATED):
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
    if signals.received and code == EXIT_DONE:   # a signal during the writes: they finished; say so
        code = signals.exit_code
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
