"""Session files: a save/open round trip keeps configs, parameters and history; training continued
after opening matches training that never stopped; every kind of bad file gets a message naming the
problem; writes are atomic; nothing in a file is executed."""
import errno
import json
import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from engine.session.config import DataConfig, ModelConfig, SessionConfig, TrainingConfig
from engine.session.history import RunHistory
from engine.session.session_file import (SessionFileError, read_session_file, session_from_text, session_to_dict,
                                         write_session_file)
from engine.session.trainer import Trainer

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"

SESSIONS = {
    "linear-sgd": SessionConfig(),
    "linear-momentum": SessionConfig(training=TrainingConfig(optimizer="momentum", lr=0.005)),
    "polynomial-adam": SessionConfig(
        model=ModelConfig(kind="polynomial", degree=3),
        data=DataConfig(truth="0.5*x**3 - x", x_min=-2, x_max=2, noise_std=0.3, batch_size=16),
        training=TrainingConfig(optimizer="adam", lr=0.05)),
    "mlp-adam": SessionConfig(
        model=ModelConfig(kind="mlp", hidden=(8, 8)),
        data=DataConfig(truth="sin(2*x)", x_min=-3, x_max=3, noise_std=0.1, n_points=90, batch_size=16),
        training=TrainingConfig(optimizer="adam", lr=0.01, loss="half_sse")),
    "expression-momentum": SessionConfig(
        model=ModelConfig(kind="expression", expression="a * sin(w * x) + c", initial={"w": 1.2}),
        data=DataConfig(truth="2*sin(1.5*x) + 1", x_min=0, x_max=6, noise_std=0.2, batch_size=7),
        training=TrainingConfig(optimizer="momentum", lr=0.01), name="Sine ½"),
}


def trained(config: SessionConfig, steps: int) -> Trainer:
    trainer = Trainer(config)
    for _ in range(steps):
        trainer.train_step()
    return trainer


def history_without_wall_time(history: RunHistory) -> np.ndarray:
    rows = history.rows()
    return np.delete(rows, history.columns.index("wall_time"), axis=1)


def assert_same_run(a: Trainer, b: Trainer) -> None:
    assert a.step == b.step
    assert a.last_loss == b.last_loss
    sa, sb = a.state_dict(), b.state_dict()
    assert sa["sampler"] == sb["sampler"]
    for name in sa["parameters"]:
        np.testing.assert_array_equal(sa["parameters"][name], sb["parameters"][name], err_msg=name)
    assert sa["gradients"].keys() == sb["gradients"].keys()
    for name in sa["gradients"]:
        np.testing.assert_array_equal(sa["gradients"][name], sb["gradients"][name], err_msg=name)
    assert sa["optimizer"].keys() == sb["optimizer"].keys()
    for name, entry in sa["optimizer"].items():
        for key, value in entry.items():
            np.testing.assert_array_equal(value, sb["optimizer"][name][key], err_msg=f"{name}.{key}")
    assert a.history.columns == b.history.columns
    np.testing.assert_array_equal(history_without_wall_time(a.history), history_without_wall_time(b.history))
    np.testing.assert_array_equal(a.snapshot().grid_pred, b.snapshot().grid_pred)


@pytest.mark.parametrize("name", SESSIONS)
def test_save_then_open_gives_identical_configs_parameters_and_history(tmp_path, name):
    config = SESSIONS[name]
    trainer = trained(config, 37)
    path = write_session_file(tmp_path / "s.json", config, trainer, scratchpad="y = x**2 at x = 2")
    session = read_session_file(path)
    assert session.config == config
    assert session.config.to_dict() == config.to_dict()
    assert session.scratchpad == "y = x**2 at x = 2"
    assert session.history == trainer.history  # wall times included: saved exactly
    assert_same_run(session.trainer, trainer)


@pytest.mark.parametrize("name", SESSIONS)
def test_training_continued_after_open_matches_training_without_the_save(tmp_path, name):
    config = SESSIONS[name]
    uninterrupted = trained(config, 40)
    path = write_session_file(tmp_path / "s.json", config, uninterrupted)
    resumed = read_session_file(path).trainer
    for _ in range(60):
        uninterrupted.train_step()
        resumed.train_step()
    assert resumed.step == 100
    assert_same_run(resumed, uninterrupted)


def test_restore_into_a_trainer_with_another_step_limit_and_learning_rate(tmp_path):
    """The window builds its trainer without a step limit; a changed learning rate is saved in the config."""
    config = SessionConfig()
    original = trained(config, 25)
    original.set_lr(0.01)
    path = write_session_file(tmp_path / "s.json", replace(config, training=replace(config.training, lr=0.01)),
                              original)
    session = read_session_file(path)
    window_trainer = Trainer(replace(session.config, training=replace(session.config.training, steps=None)))
    session.restore(window_trainer)
    for _ in range(30):
        original.train_step()
        window_trainer.train_step()
    assert_same_run(window_trainer, original)


def test_a_session_saved_mid_epoch_and_at_an_epoch_boundary_resumes_the_same_batches(tmp_path):
    config = SessionConfig(data=DataConfig(n_points=20, batch_size=4))  # 5 batches an epoch
    for steps in (5, 7, 10):
        uninterrupted = trained(config, steps)
        resumed = read_session_file(write_session_file(tmp_path / f"{steps}.json", config, uninterrupted)).trainer
        for _ in range(13):
            uninterrupted.train_step()
            resumed.train_step()
        assert_same_run(resumed, uninterrupted)


def test_an_untrained_session_opens_at_step_zero(tmp_path):
    config = SESSIONS["expression-momentum"]
    session = read_session_file(write_session_file(tmp_path / "s.json", config))
    assert session.state is None and session.history is None
    assert session.trainer.step == 0
    assert_same_run(session.trainer, Trainer(config))


def test_a_diverged_run_keeps_its_message_and_last_finite_parameters(tmp_path):
    config = SessionConfig(training=TrainingConfig(lr=10.0))
    trainer = trained(config, 50)
    assert trainer.diverged
    session = read_session_file(write_session_file(tmp_path / "s.json", config, trainer))
    assert session.trainer.diverged == trainer.diverged
    assert all(np.isfinite(v).all() for v in session.trainer.snapshot().params.values())
    assert_same_run(session.trainer, trainer)


def test_the_file_is_readable_json_with_schema_first_and_no_nan(tmp_path):
    path = write_session_file(tmp_path / "s.json", SESSIONS["mlp-adam"], trained(SESSIONS["mlp-adam"], 3))
    text = path.read_text(encoding="utf-8")
    document = json.loads(text, parse_constant=lambda name: pytest.fail(f"non-standard JSON constant {name}"))
    assert list(document)[:2] == ["schema", "app"]
    assert document["schema"] == 1 and document["scratchpad"] == ""
    assert document["state"]["parameters"]["layers.0.weight"] == \
        np.asarray(trained(SESSIONS["mlp-adam"], 3).model.layers[0].weight.detach().numpy()).tolist()
    assert len(text.splitlines()) < 400  # one line per history row, not per number


def test_history_thins_the_same_way_whether_or_not_it_was_saved_between():
    def record(history, steps):
        for step in steps:
            history.record(step, 1000.0 + step, 1.0 / step, [step * 2.0])

    whole = RunHistory(["w"], row_cap=8)
    record(whole, range(1, 101))
    first = RunHistory(["w"], row_cap=8)
    record(first, range(1, 38))
    second = RunHistory.from_dict(json.loads(json.dumps(first.to_dict())), row_cap=8)
    record(second, range(38, 101))
    assert second == whole
    assert len(whole) <= 8 and whole.stride == 16
    assert list(whole.column("step")) == [16, 32, 48, 64, 80, 96]


# ----- bad files ---------------------------------------------------------------------------------------


@pytest.fixture
def saved(tmp_path):
    config = SESSIONS["linear-momentum"]
    path = write_session_file(tmp_path / "s.json", config, trained(config, 12))
    return path


def edited(saved: Path, change) -> Path:
    document = json.loads(saved.read_text())
    change(document)
    saved.write_text(json.dumps(document))
    return saved


def message_for(path: Path) -> str:
    with pytest.raises(SessionFileError) as caught:
        read_session_file(path)
    assert str(path) in str(caught.value)
    return caught.value.message


def test_a_truncated_file_says_it_ends_early_with_line_and_column(saved):
    text = saved.read_text()
    saved.write_text(text[: len(text) // 2])
    message = message_for(saved)
    assert "ends too early" in message
    line = text[: len(text) // 2].count("\n") + 1
    assert f"line {line}, column" in message


def test_a_corrupt_file_names_the_line_and_column(saved):
    lines = saved.read_text().splitlines()
    lines[5] = lines[5].replace(":", " ", 1)
    saved.write_text("\n".join(lines))
    message = message_for(saved)
    assert "not valid JSON" in message and "line 6, column" in message


@pytest.mark.parametrize("content, expected", [
    (b"", "the file is empty"),
    (b"  \n", "the file is empty"),
    (b"\xff\xfe\x00garbage", "not a text file"),
    (b"[1, 2, 3]", "holds a JSON list, not an object"),
    (b'{"model": {}, "data": {}, "training": {}}', 'no "schema" field'),
    (b'{"schema": "1"}', "schema: must be a whole number"),
    (b'{"schema": 1, "data": {}, "training": {}}', "model: missing"),
    (b"[" * 100_000, "nested too deeply"),
])
def test_files_that_are_not_sessions(tmp_path, content, expected):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    assert expected in message_for(path)


def test_a_file_from_a_newer_gradstudio_names_both_schema_versions(saved):
    edited(saved, lambda d: d.update(schema=3))
    assert message_for(saved).startswith("it was made by a newer GradStudio: schema 3, this version reads up to 1")


def test_a_missing_file_and_a_folder(tmp_path):
    assert "no such file" in message_for(tmp_path / "nowhere.json")
    assert "folder" in message_for(tmp_path)


@pytest.mark.parametrize("change, expected", [
    (lambda d: d.update(extra=1), "extra: unknown field"),
    (lambda d: d.update(name=5), "name: must be text"),
    (lambda d: d.update(scratchpad=["x"]), "scratchpad: must be text"),
    (lambda d: d["data"].update(noise_std="big"), "data.noise_std: must be a number"),
    (lambda d: d["data"].update(n_points=10.5), "data.n_points: must be a whole number"),
    (lambda d: d["model"].update(degree="three"), "model.degree: must be a whole number"),
    (lambda d: d["model"].update(hidden="16"), "model.hidden: must be a list of whole numbers"),
    (lambda d: d["model"].update(initial=[1]), "model.initial: must map parameter names to numbers"),
    (lambda d: d["model"].update(colour="red"), "model.colour: unknown setting"),
    (lambda d: d["training"].update(lr=-1), "training.lr: the learning rate must be a finite number > 0"),
    (lambda d: d["training"].update(optimizer="lbfgs"), "training.optimizer: unknown optimizer"),
    (lambda d: d.update(training=[]), "the 'training' section must be a JSON object"),
    (lambda d: d.update(state=[]), "state: must be an object or null"),
    (lambda d: d["state"].pop("parameters"), "state.parameters: missing"),
    (lambda d: d["state"]["parameters"].update(w=[1.0, 2.0]), "state.parameters.w: has shape (2,) where the model needs (1, 1)"),
    (lambda d: d["state"]["parameters"].update(b=[[1.0], [2.0, 3.0]]), "state.parameters.b: must be a number or nested lists"),
    (lambda d: d["state"]["parameters"].update(b=["x"]), "state.parameters.b: must be a number, not 'x'"),
    (lambda d: d["state"]["parameters"].update(b=["NaN"]), "state.parameters.b: must be finite numbers"),
    (lambda d: d["state"]["parameters"].pop("b"), "state.parameters.b: missing"),
    (lambda d: d["state"]["parameters"].update(c=[1.0]), "state.parameters.c: the model has no parameter named 'c'"),
    (lambda d: d["state"]["optimizer"]["w"].update(step=3), "state.optimizer.w: does not fit the SGD optimizer, which keeps momentum_buffer"),
    (lambda d: d["state"]["optimizer"]["w"].update(momentum_buffer=[[1.0, 2.0]]), "state.optimizer.w.momentum_buffer: has shape (1, 2)"),
    (lambda d: d["state"].update(step=-2), "state.step: must be a whole number ≥ 0"),
    (lambda d: d["state"]["sampler"].update(position=1000), "state.sampler.position: 1000 does not fit 100 rows"),
    (lambda d: d["history"].update(columns=["step", "loss"]), "history.columns: must be a list of names starting with"),
    (lambda d: d["history"]["rows"][3].__setitem__(2, "low"), "history.rows[3][2]: 'low' is not a number"),
    (lambda d: d["history"]["rows"][3].__setitem__(0, 1), "history.rows[3][0]: steps must increase"),
    (lambda d: d["history"].update(columns=["step", "wall_time", "loss", "w", "c"]), "history.columns: the parameter columns"),
])
def test_hand_edited_mistakes_name_the_field(saved, change, expected):
    edited(saved, change)
    assert expected in message_for(saved)


def test_expressions_in_a_file_are_parsed_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    config = SessionConfig(model=ModelConfig(kind="expression", expression="a * x + b"))
    document = session_to_dict(config)
    document["model"]["expression"] = f"__import__('pathlib').Path({str(marker)!r}).touch() or a * x"
    document["data"]["truth"] = "(lambda: 2)() * x"
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(document))
    message = message_for(path)
    assert "model.expression" in message and "data.truth" in message
    assert not marker.exists()


def test_a_relative_csv_path_is_relative_to_the_session_file(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "points.csv").write_text("t,h\n0,1\n1,3\n2,5\n3,7\n")
    config = SessionConfig(data=DataConfig(source="csv", csv_path="points.csv", x_column="t", y_column="h",
                                           batch_size=2))
    path = folder / "s.json"
    path.write_text(json.dumps(session_to_dict(config)))
    session = read_session_file(path)
    assert session.config.data.csv_path == str(folder / "points.csv")
    np.testing.assert_array_equal(session.trainer.data_y, [1, 3, 5, 7])


# ----- atomic writes -----------------------------------------------------------------------------------


def test_a_failed_save_keeps_the_old_file_and_leaves_no_partial_file(saved, monkeypatch):
    before = saved.read_bytes()

    def disk_full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(SessionFileError) as caught:
        write_session_file(saved, SessionConfig(name="changed"))
    assert str(caught.value) == f"Cannot save {saved}: the disk is full"
    assert saved.read_bytes() == before
    assert os.listdir(saved.parent) == [saved.name]


def test_saving_into_a_path_that_is_not_a_folder_says_so(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(SessionFileError, match="part of the path is a file, not a folder"):
        write_session_file(blocker / "s.json", SessionConfig())
    assert blocker.read_text() == "not a folder"


def test_saving_over_a_file_keeps_its_permissions(saved):
    saved.chmod(0o640)
    write_session_file(saved, SessionConfig())
    assert saved.stat().st_mode & 0o777 == 0o640


def test_opening_from_text_without_a_file():
    text = json.dumps(session_to_dict(SessionConfig(name="in memory")))
    assert session_from_text(text).config.name == "in memory"


# ----- example sessions --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["linear", "polynomial", "mlp", "expression"])
def test_each_example_session_opens_and_trains(kind):
    session = read_session_file(EXAMPLES / f"{kind}.json")
    assert session.config.model.kind == kind
    trainer = session.trainer
    losses = [trainer.train_step() for _ in range(200)]
    assert trainer.diverged is None
    assert np.mean(losses[-20:]) < np.mean(losses[:20])


def test_the_linear_example_is_the_classic_first_exercise():
    config = read_session_file(EXAMPLES / "linear.json").config
    assert config.model.kind == "linear"
    data, training = config.data, config.training
    assert (data.truth, data.noise_std, data.x_min, data.x_max, data.batch_size) == ("2*x + 3", 1.0, 0.0, 5.0, 4)
    assert (training.optimizer, training.lr, training.steps) == ("sgd", 0.02, 500)


# -- special and huge files: refused before reading, never a hang or a stray exception ------------------
def test_a_fifo_or_a_device_is_refused_at_once(tmp_path):
    import threading

    fifo = tmp_path / "session.json"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        outcome = []
        reader = threading.Thread(target=lambda: outcome.append(_message(path)), daemon=True)
        reader.start()
        reader.join(5)
        assert outcome == [f"Cannot open {path}: it is not a regular file (a pipe, device or socket); only files can "
                           f"be opened"]


def _message(path) -> str:
    try:
        read_session_file(path)
    except SessionFileError as error:
        return str(error)
    return "opened"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from engine.session import files

    path = tmp_path / "big.json"
    path.write_bytes(b" " * 2048)
    monkeypatch.setattr(files, "MiB", 1024)   # limits are in MiB: make one 1 KiB
    monkeypatch.setattr("engine.session.session_file.MAX_SESSION_BYTES", 1024)
    assert _message(path) == f"Cannot open {path}: it is too large (2 MB; the limit is 1 MB)"


def test_a_huge_integer_is_refused_with_its_size(saved):
    text = saved.read_text().replace('"seed": 0', '"seed": 1' + "0" * 400, 1)
    with pytest.raises(SessionFileError, match=r"the number 100000000000… has 401 digits: numbers in a session "
                                               r"file must fit in 64 bits"):
        session_from_text(text)


hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_JSON = st.recursive(st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers(-2**64, 2**64)
                     | st.text(max_size=6) | st.sampled_from([10**19, -1, 0, 2**32, 1e308]),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
                     max_leaves=8)


def _paths(document, prefix=()):
    """Every (path) to a value in a JSON document."""
    yield prefix
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document[:3]):
            yield from _paths(value, (*prefix, index))


def _replaced(document, path, value):
    if not path:
        return value
    copy = json.loads(json.dumps(document))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return copy


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_damaged_session_document_opens_or_gives_a_session_file_error(saved, data):
    document = json.loads(saved.read_text())
    paths = list(_paths(document))
    path = data.draw(st.sampled_from(paths))
    value = data.draw(_JSON | st.sampled_from(["[" * 900 + "]" * 900, "[" * 5000 + "]" * 5000]))
    text = json.dumps(_replaced(document, path, value if not isinstance(value, str) or not value.startswith("[")
                                else "@DEEP@"))
    if isinstance(value, str) and value.startswith("["):
        text = text.replace('"@DEEP@"', value)
    try:
        session_from_text(text)
    except SessionFileError as error:
        assert str(error).startswith("Cannot open session: ")


def test_kill_9_during_saves_leaves_the_old_or_the_new_file_and_stale_parts_are_cleaned(tmp_path):
    """A child saves one session over and over; it is killed at random moments. Each time the file
    must open (old or new), and what the killed writes left is removed by the start-up clean."""
    import random
    import signal
    import subprocess
    import sys
    import time

    from engine.session.files import remove_stale_parts

    target = tmp_path / "s.json"
    write_session_file(target, SessionConfig())
    saver = ("import sys\nfrom engine.session.config import SessionConfig\n"
             "from engine.session.session_file import write_session_file\nfrom engine.session.trainer import Trainer\n"
             "config = SessionConfig()\ntrainer = Trainer(config)\nprint('ready', flush=True)\n"
             "while True:\n    trainer.train_step()\n    write_session_file(sys.argv[1], config, trainer)\n")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    rng = random.Random(0)
    for _ in range(8):
        child = subprocess.Popen([sys.executable, "-c", saver, str(target)], cwd=root, env=env, stdout=subprocess.PIPE)
        assert child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.02, 0.3))
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert read_session_file(target).config == SessionConfig()   # whole: old or new, never a part
    remove_stale_parts(tmp_path, older_than_s=0)
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".part")]


def test_saving_over_a_symlink_writes_its_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "real" / "s.json"
    real.parent.mkdir()
    write_session_file(real, SessionConfig())
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_session_file(link, SessionConfig(training=TrainingConfig(lr=0.5)))
    assert link.is_symlink() and read_session_file(real).config.training.lr == 0.5
