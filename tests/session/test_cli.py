"""`gradstudio train` in a subprocess without a display: the run folder, exit codes 0/1/2, no Qt with
--no-plots, continuing a saved run, the help text and the progress bar."""
import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import safetensors.numpy

from engine.session.cli import progress_bar, wants_sample
from engine.session.config import SessionConfig, TrainingConfig
from engine.session.export import model_weights
from engine.session.session_file import read_session_file, write_session_file

REPO = Path(__file__).resolve().parents[2]
LINEAR = REPO / "assets" / "examples" / "linear.json"
QT_MODULES = ("PySide6", "shiboken6", "PyQt", "pyqtgraph")
PLOTS = ("loss", "fit", "parameters", "gradient_norms")


def headless_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def gradstudio(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """The `gradstudio` console script's entry point, as a fresh process with no display."""
    return subprocess.run([sys.executable, "-m", "gui.launch", *map(str, args)], cwd=REPO, env=headless_env(),
                          capture_output=True, text=True, timeout=timeout)


def test_headless_train_writes_a_complete_run_folder(tmp_path):
    out = tmp_path / "run"
    result = gradstudio("train", LINEAR, "--steps", "300", "--out", out, "--plot-size", "640x480")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    names = {path.name for path in out.iterdir()}
    expected = {".gradstudio-run", "weights.safetensors", "history.csv", "session.json", "README.md",
                *(f"{plot}.{fmt}" for plot in PLOTS for fmt in ("png", "svg"))}
    assert names == expected
    # Progress went to stderr with steps, loss, rate and ETA; the summary to stdout.
    last = result.stderr.strip().splitlines()[-1]
    assert "step: 100%" in last and "300/300" in last and "loss" in last and "steps/s" in last and "<00:00" in last
    assert "Trained 300 steps" in result.stdout

    session = read_session_file(out / "session.json")
    assert session.trainer.step == 300
    weights = safetensors.numpy.load_file(str(out / "weights.safetensors"))
    for name, values in model_weights(session.trainer).items():
        np.testing.assert_array_equal(weights[name], values)
    assert len((out / "history.csv").read_text().splitlines()) == 301

    from PySide6.QtGui import QImage

    for plot in PLOTS:
        image = QImage(str(out / f"{plot}.png"))
        assert (image.width(), image.height()) == (640, 480), plot
        root = ET.parse(out / f"{plot}.svg").getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert max(vector_points(root)) > 50, plot  # the curves are vector paths, not pictures


def vector_points(svg_root) -> list[int]:
    """The number of points of each path and polyline in an SVG (Qt writes curves as either)."""
    counts = [0]
    for element in svg_root.iter():
        if element.tag.endswith("}path"):
            counts.append(len(re.findall(r"[-\d.]+,[-\d.]+", element.get("d", ""))))
        elif element.tag.endswith("}polyline"):
            counts.append(len(element.get("points", "").split()))
    return counts


# Runs the command in-process behind an import hook that refuses Qt, then lists what was loaded.
NO_QT_WRAPPER = """
import importlib.abc, json, sys
FORBIDDEN = {forbidden!r}
class RefuseQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in FORBIDDEN:
            raise ImportError("Qt was imported: " + name)
sys.meta_path.insert(0, RefuseQt())
from gui.launch import main
code = main({args!r})
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in FORBIDDEN)))
sys.exit(code)
"""


def test_no_plots_never_imports_qt(tmp_path):
    out = tmp_path / "run"
    code = NO_QT_WRAPPER.format(forbidden=QT_MODULES, args=["train", str(LINEAR), "--steps", "50", "--out", str(out),
                                                            "--no-plots", "--weights-format", "npz"])
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=headless_env(), capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert {path.name for path in out.iterdir()} == {"weights.npz", "history.csv", "session.json", "README.md",
                                                      ".gradstudio-run"}
    with np.load(out / "weights.npz", allow_pickle=False) as archive:
        assert sorted(archive.files) == ["bias", "weight"]


def test_no_plots_imports_no_qt_by_importtime(tmp_path):
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "gui.launch", "train", str(LINEAR),
                             "--steps", "5", "--out", str(tmp_path / "run"), "--no-plots", "--quiet"],
                            cwd=REPO, env=headless_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")]
    assert "engine.session.export" in imported
    assert not [name for name in imported if name.split(".")[0] in QT_MODULES]


def test_a_diverging_session_exits_1_and_still_writes_its_folder(tmp_path):
    session = write_session_file(tmp_path / "wild.json", SessionConfig(training=TrainingConfig(lr=10.0, steps=200)))
    out = tmp_path / "run"
    result = gradstudio("train", session, "--out", out, "--no-plots")
    assert result.returncode == 1, result.stderr
    assert "diverged" in result.stderr and "try a smaller learning rate" in result.stderr
    assert "Traceback" not in result.stderr
    weights = safetensors.numpy.load_file(str(out / "weights.safetensors"))
    assert all(np.isfinite(values).all() for values in weights.values())
    assert "**The run diverged:**" in (out / "README.md").read_text()


@pytest.mark.parametrize("content, expected", [
    ('{"schema": 1, "model": {', "ends too early"),
    ('{"schema": 3, "model": {}, "data": {}, "training": {}}', "made by a newer GradStudio: schema 3"),
    ('{"schema": 1, "model": {}, "data": {"noise_std": -1}, "training": {}}', "data.noise_std"),
    ('{"schema": 1, "model": {}, "data": {"truth": "x + 1/0"}, "training": {}}',
     "'1/0' has no finite value: division by zero at column 5"),
    ('{"schema": 1, "model": {"kind": "expression", "expression": "a*x + 10**400"}, "data": {}, "training": {}}',
     "'10**400' has no finite value"),
])
def test_a_bad_session_file_exits_2_with_its_message(tmp_path, content, expected):
    path = tmp_path / "bad.json"
    path.write_text(content)
    out = tmp_path / "run"
    result = gradstudio("train", path, "--out", out, "--no-plots")
    assert result.returncode == 2
    assert result.stderr.startswith(f"gradstudio train: Cannot open {path}: ")
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("args, expected", [
    (["train", "missing.json", "--out", "{tmp}/run"], "there is no such file"),
    (["train", str(LINEAR)], "the following arguments are required: --out"),
    (["train", str(LINEAR), "--out", "{tmp}/run", "--weights-format", "pickle"], "invalid choice: 'pickle'"),
    (["train", str(LINEAR), "--out", "{tmp}/run", "--plot-size", "big"], "--plot-size: 'big' is not WIDTHxHEIGHT"),
    (["train", str(LINEAR), "--out", "{tmp}/blocker/run", "--no-plots"], "part of the path is a file, not a folder"),
])
def test_bad_options_exit_2_with_a_message(tmp_path, args, expected):
    (tmp_path / "blocker").write_text("a file")
    result = gradstudio(*(arg.replace("{tmp}", str(tmp_path)) for arg in args))
    assert result.returncode == 2
    assert expected in result.stderr and "Traceback" not in result.stderr


def test_a_session_that_trains_until_stopped_needs_steps(tmp_path):
    session = write_session_file(tmp_path / "s.json", SessionConfig(training=TrainingConfig(steps=None)))
    result = gradstudio("train", session, "--out", tmp_path / "run", "--no-plots")
    assert result.returncode == 2 and "--steps N" in result.stderr
    assert gradstudio("train", session, "--out", tmp_path / "run", "--no-plots", "--steps", "3").returncode == 0


def test_training_a_saved_run_continues_it_exactly(tmp_path):
    in_two = tmp_path / "first"
    assert gradstudio("train", LINEAR, "--steps", "120", "--out", in_two, "--no-plots").returncode == 0
    assert gradstudio("train", in_two / "session.json", "--steps", "80", "--out", tmp_path / "second",
                      "--no-plots").returncode == 0
    assert gradstudio("train", LINEAR, "--steps", "200", "--out", tmp_path / "whole", "--no-plots").returncode == 0
    continued = safetensors.numpy.load_file(str(tmp_path / "second" / "weights.safetensors"))
    whole = safetensors.numpy.load_file(str(tmp_path / "whole" / "weights.safetensors"))
    assert continued.keys() == whole.keys()
    for name in whole:
        np.testing.assert_array_equal(continued[name], whole[name])
    steps = [line.split(",")[0] for line in (tmp_path / "second" / "history.csv").read_text().splitlines()[1:]]
    assert steps == [str(step) for step in range(1, 201)]
    saved = json.loads((tmp_path / "second" / "session.json").read_text())
    assert saved["state"]["step"] == 200 and saved["training"]["steps"] == 500


def test_restart_starts_over(tmp_path):
    assert gradstudio("train", LINEAR, "--steps", "30", "--out", tmp_path / "a", "--no-plots").returncode == 0
    result = gradstudio("train", tmp_path / "a" / "session.json", "--steps", "30", "--restart", "--out",
                        tmp_path / "b", "--no-plots")
    assert result.returncode == 0
    first, again = (safetensors.numpy.load_file(str(tmp_path / run / "weights.safetensors")) for run in "ab")
    for name in first:
        np.testing.assert_array_equal(first[name], again[name])


def test_train_help_documents_every_option():
    result = gradstudio("train", "--help")
    assert result.returncode == 0
    for text in ("usage: gradstudio train", "SESSION", "--steps N", "--out DIR", "--weights-format",
                 "{safetensors,npz,json}", "--no-plots", "--plot-size", "--restart", "--dtype", "exit status: 0 done, 1",
                 "2 bad input"):
        assert text in result.stdout, text


# ----- progress bar ------------------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_redraws_one_line_with_steps_loss_rate_and_eta():
    stream = _Terminal()
    bar = progress_bar(1000, stream, start_step=200)
    bar.set_postfix_str("loss 0.123457", refresh=False)
    bar.update(250)
    bar.refresh()
    text = stream.getvalue()
    assert "\r" in text
    last = text.split("\r")[-1]
    assert "step:" in last and "450/1200" in last and "loss 0.123457" in last and "steps/s" in last and "<" in last
    bar.close()


def test_progress_without_a_terminal_prints_whole_lines_now_and_then():
    stream = io.StringIO()
    bar = progress_bar(10, stream)
    for done in range(1, 11):
        bar.set_postfix_str(f"loss {1.0 / done:.6g}", refresh=False)
        bar.update(1)
    bar.close()
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert 2 <= len(lines) <= 3  # the start, the end (and at most one in between: lines come every 5 s)
    assert lines[0].startswith("step:   0%") and "0/10" in lines[0]
    assert lines[-1].startswith("step: 100%") and "10/10" in lines[-1] and "loss 0.1" in lines[-1]


def test_parameter_samples_are_dense_first_then_a_few_per_doubling():
    sampled = [step for step in range(1, 100_001) if wants_sample(step)]
    assert sampled[:256] == list(range(1, 257))
    assert len(sampled) < 2_000


def test_train_takes_a_bundled_example_by_name_from_any_folder(tmp_path):
    result = subprocess.run([sys.executable, "-m", "gui.launch", "train", "linear-regression", "--steps", "10",
                             "--no-plots", "--quiet", "--out", tmp_path / "run"], cwd=tmp_path, env=headless_env(),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert read_session_file(tmp_path / "run" / "session.json").trainer.step == 10
    unknown = gradstudio("train", "no-such-example", "--out", tmp_path / "other")
    assert unknown.returncode == 2 and "linear-regression" in unknown.stderr and "mlp" in unknown.stderr


def test_train_refuses_a_folder_of_other_files_and_says_why_before_training(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "README.md").write_text("my project\n")
    result = gradstudio("train", LINEAR, "--steps", "5", "--no-plots", "--out", project)
    assert result.returncode == 2
    assert "not a GradStudio run folder" in result.stderr and "--force" in result.stderr
    assert "step" not in result.stderr.splitlines()[0]   # refused before any training
    assert (project / "README.md").read_text() == "my project\n"
    assert sorted(path.name for path in project.iterdir()) == ["README.md"]
    forced = gradstudio("train", LINEAR, "--steps", "5", "--no-plots", "--quiet", "--out", project, "--force")
    assert forced.returncode == 0, forced.stderr
    assert (project / ".gradstudio-run").is_file()


def test_a_run_folder_is_marked_and_can_be_written_again(tmp_path):
    out = tmp_path / "run"
    for _ in range(2):
        result = gradstudio("train", LINEAR, "--steps", "5", "--no-plots", "--quiet", "--out", out)
        assert result.returncode == 0, result.stderr
    assert (out / ".gradstudio-run").is_file()
    assert sorted(path.name for path in out.iterdir()) == sorted(
        [".gradstudio-run", "README.md", "history.csv", "session.json", "weights.safetensors"])


def test_train_on_a_lesson_file_says_what_a_lesson_is_and_exits_2(tmp_path):
    lesson = REPO / "assets" / "examples" / "05-derivative-as-limit.json"
    result = gradstudio("train", lesson, "--no-plots", "--out", tmp_path / "run")
    assert result.returncode == 2
    assert "is a lesson file" in result.stderr and "no model to train" in result.stderr
    assert not (tmp_path / "run").exists()
    trainable = gradstudio("train", REPO / "assets" / "examples" / "01-linear-regression.json", "--steps", "3",
                           "--no-plots", "--quiet", "--out", tmp_path / "run")
    assert trainable.returncode == 0, trainable.stderr
# -- signals: the run so far is written and the exit status names the signal --------------------------
def _start_training(tmp_path, *extra):
    out = tmp_path / "run"
    process = subprocess.Popen([sys.executable, "-m", "gui.launch", "train", str(LINEAR), "--steps", "100000000",
                                "--out", str(out), *extra], cwd=REPO, env=headless_env(), stderr=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    return process, out


def _wait_for_training(process) -> None:
    """Until the progress bar has drawn a few steps (it writes to stderr without newlines)."""
    import time

    seen = ""
    deadline = time.monotonic() + 60
    while "steps/s" not in seen and time.monotonic() < deadline:
        seen += process.stderr.read(1)
    time.sleep(0.5)


def test_sigterm_writes_the_run_so_far_and_exits_143(tmp_path):
    import signal

    process, out = _start_training(tmp_path, "--no-plots")
    _wait_for_training(process)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143, stderr[-2000:]
    assert "Traceback" not in stderr and "interrupted at step" in stderr
    session = read_session_file(out / "session.json")
    assert session.trainer.step > 0 and (out / "weights.safetensors").exists() and (out / "history.csv").exists()


def test_ctrl_c_pressed_again_and_again_while_plots_are_written_still_writes_everything_and_exits_130(tmp_path):
    import signal
    import time

    process, out = _start_training(tmp_path)
    _wait_for_training(process)
    while process.poll() is None:      # Ctrl+C, then Ctrl+C through the writing of every plot
        process.send_signal(signal.SIGINT)
        time.sleep(0.05)
    stderr = process.stderr.read()
    assert process.returncode == 130, stderr[-2000:]
    assert "Traceback" not in stderr and "Fatal" not in stderr
    for plot in PLOTS:
        assert (out / f"{plot}.png").stat().st_size > 0 and ET.parse(out / f"{plot}.svg")
    assert read_session_file(out / "session.json").trainer.step > 0


def test_a_bad_out_folder_is_reported_before_training(tmp_path):
    import time

    (tmp_path / "blocker").write_text("a file")
    started = time.monotonic()
    result = gradstudio("train", LINEAR, "--steps", "100000000", "--out", tmp_path / "blocker" / "run", "--no-plots",
                        timeout=60)
    assert result.returncode == 2 and "part of the path is a file, not a folder" in result.stderr
    assert "Trained" not in result.stdout and time.monotonic() - started < 30   # 10^8 steps would take hours
