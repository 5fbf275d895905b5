"""Sessions and exports through the window: save/open round trip, unsaved-changes questions, a corrupt
file leaves the session alone, the Export dialog writes its files, plot pictures (SVG parses with a path
for the curve, PNG at the chosen size), Load Weights, Open Recent and `gradstudio SESSION`."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import safetensors.numpy
from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from engine.session import SessionConfig, Trainer, read_session_file, write_session_file
from engine.session.config import ModelConfig
from engine.session.export import export_weights, model_weights
from gui.export_dialog import ExportDialog, ExportOptions
from gui.main_window import MainWindow
from tests.gui.conftest import shown_window
from tests.gui.helpers import run_gradstudio
from tests.session.test_cli import vector_points

SVG = "{http://www.w3.org/2000/svg}"


def train(qtbot, window: MainWindow, steps: int) -> None:
    window.training_editor.until_stopped.setChecked(False)
    window.training_editor.steps.setValue(steps)
    window.toggle_training()
    qtbot.waitUntil(lambda: window.run is None, timeout=60_000)
    assert window.trainer.step == steps


def answer_files(monkeypatch, path: Path | None) -> list[str]:
    """QFileDialog's static calls return `path` (or fail the test when None); returns the titles asked."""
    asked: list[str] = []

    def dialog(parent, title, *args, **kwargs):
        asked.append(title)
        if path is None:
            pytest.fail(f"a file dialog was opened: {title}")
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", dialog)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    return asked


def answer_questions(monkeypatch, answer) -> list[str]:
    asked: list[str] = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


@pytest.fixture
def second_window(qtbot):
    yield from shown_window(qtbot)


def test_save_then_open_gives_the_same_session_plots_and_continuation(qtbot, window, second_window, tmp_path,
                                                                       monkeypatch):
    train(qtbot, window, 120)
    assert window.session_files.has_unsaved_changes()
    path = tmp_path / "fit.json"
    answer_files(monkeypatch, path)
    window.save_action.trigger()  # no file yet: Save asks where, as Save As
    assert path.is_file()
    assert not window.session_files.has_unsaved_changes()
    assert "fit.json" in window.windowTitle() and not window.isWindowModified()

    second_window.open_action.trigger()
    other = second_window.trainer
    assert other.step == 120 and second_window.step_label.text() == "step 120"
    assert second_window._read_forms()[0] == window._read_forms()[0]
    for name, values in window.trainer.snapshot().params.items():
        np.testing.assert_array_equal(other.snapshot().params[name], values)
    saved_steps, saved_losses = window.loss_plot.raw_curve.getData()
    steps, losses = second_window.loss_plot.raw_curve.getData()
    np.testing.assert_array_equal(steps, saved_steps)
    np.testing.assert_array_equal(losses, saved_losses)
    np.testing.assert_array_equal(second_window.fit_plot.fit.getData()[1], window.fit_plot.fit.getData()[1])
    assert second_window.params_plot.curve_names()[:2] == ["w", "b"]
    assert len(second_window.params_plot.curves()[0].getData()[0]) == 120
    assert not second_window.session_files.has_unsaved_changes()

    # Training on in the reopened window continues the same run.
    reference = Trainer(SessionConfig())
    for _ in range(150):
        reference.train_step()
    second_window.training_editor.steps.setValue(150)
    second_window.toggle_training()
    qtbot.waitUntil(lambda: second_window.run is None, timeout=60_000)
    assert second_window.trainer.step == 150
    for name, values in reference.snapshot().params.items():
        np.testing.assert_array_equal(second_window.trainer.snapshot().params[name], values)


def test_saving_while_training_keeps_training(qtbot, window, tmp_path, monkeypatch):
    window.training_editor.until_stopped.setChecked(True)
    window.toggle_training()
    qtbot.waitUntil(lambda: window.trainer.step >= 50, timeout=20_000)
    answer_files(monkeypatch, tmp_path / "live.json")
    assert window.session_files.save()
    saved_step = read_session_file(tmp_path / "live.json").trainer.step
    assert saved_step >= 50
    assert window.state == "Training" and window.run is not None
    qtbot.waitUntil(lambda: window.trainer.step > saved_step + 50, timeout=20_000)
    window.toggle_training()


def test_opening_with_unsaved_changes_asks_and_cancel_keeps_everything(qtbot, window, tmp_path, monkeypatch):
    train(qtbot, window, 40)
    trainer = window.trainer
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    answer_files(monkeypatch, None)  # Cancel must come before any file dialog
    assert not window.session_files.open()
    assert "changes that are not saved" in asked[0] and "step 40" in asked[0]
    assert window.trainer is trainer and trainer.step == 40

    other = write_session_file(tmp_path / "other.json", SessionConfig(name="Other session"))
    answer_questions(monkeypatch, QMessageBox.StandardButton.Discard)
    answer_files(monkeypatch, other)
    assert window.session_files.open()
    assert window.trainer.step == 0 and window.windowTitle().startswith("Other session — other.json")


def test_answering_save_saves_before_opening(qtbot, window, tmp_path, monkeypatch):
    train(qtbot, window, 30)
    answer_questions(monkeypatch, QMessageBox.StandardButton.Save)
    target = tmp_path / "kept.json"
    answer_files(monkeypatch, target)  # Save As asks for kept.json; then Open is answered with it too
    assert window.session_files.open()
    assert read_session_file(target).trainer.step == 30
    assert window.trainer.step == 30


def test_quit_with_unsaved_changes_asks_first(qtbot, window, monkeypatch):
    train(qtbot, window, 10)
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    window.quit_action.trigger()
    assert asked and "before quitting" in asked[0]
    assert window.isVisible()
    answer_questions(monkeypatch, QMessageBox.StandardButton.Discard)
    window.quit_action.trigger()
    assert not window.isVisible()


def test_a_fresh_window_quits_without_asking(window, monkeypatch):
    asked = answer_questions(monkeypatch, QMessageBox.StandardButton.Cancel)
    window.quit_action.trigger()
    assert not asked and not window.isVisible()


@pytest.mark.parametrize("content, expected", [
    ('{"schema": 1, "model": {"kind": "linear"}, "data": {', "ends too early"),
    ("{not json at all", "not valid JSON"),
    ('{"schema": 7, "model": {}, "data": {}, "training": {}}', "made by a newer GradStudio: schema 7"),
])
def test_a_bad_file_shows_one_message_and_leaves_the_session_as_it_was(qtbot, window, tmp_path, monkeypatch,
                                                                       content, expected):
    train(qtbot, window, 25)
    trainer, title = window.trainer, window.windowTitle()
    params = {name: values.copy() for name, values in trainer.snapshot().params.items()}
    forms = window._read_forms()[0]
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    answer_questions(monkeypatch, QMessageBox.StandardButton.Discard)
    answer_files(monkeypatch, bad)
    assert not window.session_files.open()
    assert expected in window.last_message and str(bad) in window.last_message
    box = window._message_box
    assert box is not None and box.isVisible() and expected in box.text() and "Traceback" not in box.text()
    assert window.trainer is trainer and trainer.step == 25
    assert window._read_forms()[0] == forms and window.windowTitle() == title
    for name, values in trainer.snapshot().params.items():
        np.testing.assert_array_equal(values, params[name])


def test_export_dialog_writes_every_file_it_lists(qtbot, window, tmp_path):
    train(qtbot, window, 60)
    folder = tmp_path / "export"

    def fill_and_accept():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ExportDialog)
        dialog.check_everything()
        dialog.folder.setText(str(folder))
        dialog.weights_format.setCurrentIndex(dialog.weights_format.findData("npz"))
        dialog.png_width.setValue(800)
        dialog.png_height.setValue(500)
        dialog.export_button.click()

    QTimer.singleShot(100, fill_and_accept)
    window.export_action.trigger()  # Ctrl+E
    names = {path.name for path in folder.iterdir()}
    expected = {".gradstudio-run", "weights.npz", "history.csv", "session.json", "README.md",
                *(f"{plot}.{fmt}" for plot in ("loss", "fit", "parameters", "gradient_norms", "window")
                  for fmt in ("png", "svg"))}
    assert names == expected
    with np.load(folder / "weights.npz", allow_pickle=False) as archive:
        for name, values in model_weights(window.trainer).items():
            np.testing.assert_array_equal(archive[name], values)
    assert QImage(str(folder / "loss.png")).size().toTuple() == (800, 500)
    assert read_session_file(folder / "session.json").trainer.step == 60
    assert "Exported 14 files" in window.statusBar().currentMessage()
    # The choices are remembered for next time.
    again = ExportDialog(window, window.settings, tmp_path / "next")
    assert again.options().weights_format == "npz" and again.options().png_size == (800, 500)


def test_export_into_a_file_path_shows_why_and_keeps_the_file(qtbot, window, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("keep me")
    assert window.session_files.export_with(ExportOptions(blocker)) == []
    assert str(blocker) in window.last_message and "Nothing was lost" in window.last_message
    assert blocker.read_text() == "keep me"


def test_plot_context_menu_svg_parses_and_holds_the_curve_as_a_path(qtbot, window, tmp_path, monkeypatch):
    train(qtbot, window, 200)
    menu = window.loss_plot.plot.getPlotItem().getViewBox().menu
    entries = {action.text(): action for action in menu.actions()}
    assert "Save Loss plot as SVG…" in entries and "Save Loss plot as PNG…" in entries
    answer_files(monkeypatch, tmp_path / "loss")  # no suffix: .svg is added
    entries["Save Loss plot as SVG…"].trigger()
    root = ET.parse(tmp_path / "loss.svg").getroot()
    assert root.tag == f"{SVG}svg"
    assert max(vector_points(root)) >= 150  # the 200-step loss curve is a vector path, not a picture


def test_plot_png_has_the_chosen_size_and_dpi(qtbot, window, tmp_path, monkeypatch):
    train(qtbot, window, 20)
    for key, value in (("png_width", 640), ("png_height", 360), ("dpi", 192)):
        window.settings.setValue(f"export/{key}", value)
    answer_files(monkeypatch, tmp_path / "fit.png")
    written = window.session_files.save_plot("fit", "png")
    image = QImage(str(written))
    assert (image.width(), image.height()) == (640, 360)
    assert round(image.dotsPerMeterX() * 0.0254) == 192
    assert window.fit_plot.plot.getPlotItem().geometry().width() == window.fit_plot.plot.width()  # put back


def test_load_weights_checks_shapes_and_loads(qtbot, window, tmp_path, monkeypatch):
    source = Trainer(SessionConfig())
    for _ in range(300):
        source.train_step()
    good = export_weights(tmp_path / "good.safetensors", source)
    wrong = export_weights(tmp_path / "wrong.safetensors", Trainer(SessionConfig(model=ModelConfig(kind="mlp"))))
    before = {name: values.copy() for name, values in window.trainer.snapshot().params.items()}

    answer_files(monkeypatch, wrong)
    assert not window.session_files.load_weights()
    assert "does not fit the model" in window.last_message and "it has no tensor 'weight'" in window.last_message
    for name, values in window.trainer.snapshot().params.items():
        np.testing.assert_array_equal(values, before[name])

    answer_files(monkeypatch, good)
    window.session_files.load_weights_action.trigger()
    for name, values in source.snapshot().params.items():
        np.testing.assert_array_equal(window.trainer.snapshot().params[name], values)
    np.testing.assert_array_equal(window.fit_plot.fit.getData()[1], source.snapshot().grid_pred)
    assert window.session_files.has_unsaved_changes()


def test_open_recent_lists_saved_sessions(qtbot, window, tmp_path, monkeypatch):
    first = write_session_file(tmp_path / "a.json", SessionConfig(name="A"))
    second = write_session_file(tmp_path / "b.json", SessionConfig(name="B"))
    assert window.session_files.open_path(first) and window.session_files.open_path(second)
    assert window.session_files.recent_files()[:2] == [str(second.resolve()), str(first.resolve())]
    menu = window.session_files.recent_menu
    menu.aboutToShow.emit()
    texts = [action.text() for action in menu.actions()]
    assert texts[:2] == ["&1 b.json", "&2 a.json"]
    menu.actions()[1].trigger()
    assert window.windowTitle().startswith("A — a.json")


def test_gradstudio_session_opens_the_file(tmp_path):
    trainer = Trainer(SessionConfig(name="From the command line"))
    for _ in range(80):
        trainer.train_step()
    path = write_session_file(tmp_path / "cli.json", SessionConfig(name="From the command line"), trainer)
    shot = tmp_path / "shot.png"
    result = run_gradstudio([str(path), "--screenshot", str(shot)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and QImage(str(shot)).width() > 0


def test_gradstudio_with_a_broken_session_file_shows_a_message_not_a_traceback(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps({"schema": 1})[:-1])
    result = run_gradstudio([str(path), "--screenshot", str(tmp_path / "shot.png")], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_gradstudio_help_lists_the_commands(tmp_path):
    result = run_gradstudio(["--help"], tmp_path)
    assert result.returncode == 0
    assert "gradstudio train SESSION" in result.stdout and "gradstudio train --help" in result.stdout


def test_safetensors_from_the_window_load_with_the_standard_reader(qtbot, window, tmp_path):
    train(qtbot, window, 15)
    files = window.session_files.export_with(ExportOptions(tmp_path / "w", plots=[], history=False, session=False,
                                                           readme=False))
    assert [path.name for path in files] == ["weights.safetensors"]
    weights = safetensors.numpy.load_file(str(files[0]))
    assert weights["weight"].dtype == np.float32 and weights["weight"].shape == (1, 1)   # as nn.Linear(1, 1)


def test_scratchpad_text_is_saved_and_reopened_without_running(qtbot, window, second_window, tmp_path, monkeypatch):
    program = "x = torch.tensor(2.0, requires_grad=True)\ny = x**2 + 3*x + 1\ny.backward()\nprint(x.grad)\n"
    window.workbench.scratchpad.set_text(program)
    path = tmp_path / "with_scratchpad.json"
    answer_files(monkeypatch, path)
    window.save_action.trigger()
    assert read_session_file(path).scratchpad == program

    second_window.open_action.trigger()
    pad = second_window.workbench.scratchpad
    assert pad.text() == program
    assert not pad.running  # opening shows the program; only Run runs it


# -- opening is all or nothing: a file the forms cannot take leaves the open session untouched -------
def session_document(**changes) -> str:
    document = json.loads(json.dumps({"schema": 1, **SessionConfig().to_dict(), "state": None, "history": None}))
    for dotted, value in changes.items():
        section, name = dotted.split(".")
        document[section][name] = value
    return json.dumps(document)


def assert_untouched(window, trainer, forms, title) -> None:
    assert window.trainer is trainer and window._read_forms()[0] == forms and window.windowTitle() == title


@pytest.mark.parametrize("changes, expected", [
    ({"training.steps": 10**10}, "training.steps: the number of steps must be a whole number from 1 to 2,000,000,000"),
    ({"data.seed": 2**32}, "data.seed: the seed must be a whole number from 0 to 4,294,967,295"),
    ({"data.noise_std": "1e400"}, "data.noise_std"),
])
def test_a_file_the_session_cannot_take_is_refused_whole(qtbot, window, tmp_path, changes, expected):
    trainer, forms, title = window.trainer, window._read_forms()[0], window.windowTitle()
    path = tmp_path / "bad.json"
    path.write_text(session_document(**changes))
    assert not window.session_files.open_path(path, ask=False)
    assert expected in window.last_message
    assert_untouched(window, trainer, forms, title)


def test_every_value_the_validator_accepts_fits_the_forms(qtbot, window, tmp_path):
    from engine.session.config import MAX_SEED, MAX_STEPS

    path = tmp_path / "edge.json"
    # at the validator's limits, and a huge degree the linear model does not use
    path.write_text(session_document(**{"data.seed": MAX_SEED, "training.seed": MAX_SEED, "training.steps": MAX_STEPS,
                                        "model.degree": 2**62}))
    assert window.session_files.open_path(path, ask=False), window.last_message
    config = window._read_forms()[0]
    assert config.data.seed == MAX_SEED and config.training.seed == MAX_SEED and config.training.steps == MAX_STEPS
    assert window.trainer is not None and window.trainer.config.data.seed == MAX_SEED


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_FIELDS = ["model.kind", "model.degree", "model.hidden", "data.seed", "data.n_points", "data.batch_size",
           "data.noise_std", "data.x_min", "data.truth", "training.steps", "training.seed", "training.lr",
           "training.optimizer", "data.source"]
_VALUES = st.one_of(st.integers(min_value=-2**70, max_value=2**70), st.floats(allow_nan=False),
                    st.sampled_from([0, 1, 2, 3, 12, 2**31, 2**32 - 1, 2**32, 10**10, "", "x", "csv", "mlp", [],
                                     [16], [0], None, True, "1/0"]),
                    st.text(max_size=8))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(_FIELDS), _VALUES, min_size=1, max_size=3))
def test_opening_any_session_document_is_all_or_nothing(qtbot, window, tmp_path, changes):
    trainer, forms, title = window.trainer, window._read_forms()[0], window.windowTitle()
    path = tmp_path / "fuzzed.json"
    path.write_text(session_document(**changes))
    if window.session_files.open_path(path, ask=False):
        assert window.trainer is not None and window.trainer is not trainer and window._read_forms()[1] == []
        window.session_files.open_path(tmp_path / "missing.json", ask=False)   # (a failure changes nothing)
    else:
        assert window.last_message and "Traceback" not in window.last_message
        assert_untouched(window, trainer, forms, title)


def test_stale_part_files_beside_recent_sessions_are_cleaned_at_start(qtbot, tmp_path):
    import os
    import time

    session = write_session_file(tmp_path / "s.json", SessionConfig())
    stale, fresh = tmp_path / ".s.json.x1.part", tmp_path / ".s.json.x2.part"
    for path in (stale, fresh):
        path.write_text("{")
    os.utime(stale, (time.time() - 7200,) * 2)
    from gui.main_window import app_settings

    app_settings().setValue("session/recent", [str(session)])
    for window in shown_window(qtbot):
        qtbot.waitUntil(lambda: not stale.exists(), timeout=5000)
        assert fresh.exists() and session.exists()


def test_an_export_that_fails_midway_leaves_the_folder_as_it_was(qtbot, window, tmp_path, monkeypatch):
    from gui import session_files

    folder = tmp_path / "export"
    train(qtbot, window, 10)
    first = window.session_files.export_with(ExportOptions(folder))
    before = {path.name: path.read_bytes() for path in first}
    train_more = window.training_editor.steps.value() + 10
    train(qtbot, window, train_more)

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(session_files, "export_readme", full_disk)   # the last file of the set
    assert window.session_files.export_with(ExportOptions(folder)) == []
    assert "the disk is full. Nothing was lost" in window.last_message
    assert {path.name: path.read_bytes() for path in first} == before and sorted(os.listdir(folder)) == sorted([*before, ".gradstudio-run"])
