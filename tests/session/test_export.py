"""Exports: each weights format read back by its standard reader (and by PyTorch where installed),
the history CSV, the run folder, load_weights' checks, and failed writes that lose nothing."""
import contextlib
import csv
import errno
import json
import os
import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path

import numpy as np
import pytest
import safetensors.numpy

from engine.session.config import DataConfig, ModelConfig, SessionConfig, TrainingConfig
from engine.session.export import (ExportError, WeightsError, export_history_csv, export_run_folder, export_weights,
                                   load_weights, model_weights, read_weights)
from engine.session.session_file import read_session_file
from engine.session.trainer import Trainer

CONFIGS = {
    "linear": SessionConfig(),
    "polynomial": SessionConfig(model=ModelConfig(kind="polynomial", degree=3),
                                data=DataConfig(truth="x**3 - x", x_min=-2, x_max=2, batch_size=8),
                                training=TrainingConfig(optimizer="adam", lr=0.05)),
    "mlp": SessionConfig(model=ModelConfig(kind="mlp", hidden=(8, 6), activation="tanh"),
                         data=DataConfig(truth="sin(2*x)", x_min=-3, x_max=3, noise_std=0.1, batch_size=16),
                         training=TrainingConfig(optimizer="adam", lr=0.01)),
    "expression": SessionConfig(model=ModelConfig(kind="expression", expression="a * sin(w * x) + c"),
                                data=DataConfig(truth="2*sin(1.5*x) + 1", x_min=0, x_max=6, batch_size=16)),
}
NAMES = {  # as the PyTorch module computing the same function names them (export.torch_module_code)
    "linear": ["weight", "bias"],
    "polynomial": ["weight", "bias"],
    "mlp": ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"],
    "expression": ["a", "w", "c"],
}


def trained(kind: str, steps: int = 30) -> Trainer:
    trainer = Trainer(CONFIGS[kind])
    for _ in range(steps):
        trainer.train_step()
    return trainer


def params(trainer: Trainer) -> dict[str, np.ndarray]:
    return trainer.snapshot().params


def standard_read(path: Path) -> dict[str, np.ndarray]:
    if path.suffix == ".safetensors":
        return safetensors.numpy.load_file(str(path))
    if path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    document = json.loads(path.read_text())
    return {name: np.asarray(values, dtype=document["dtype"]) for name, values in document["tensors"].items()}


@pytest.mark.parametrize("suffix", [".safetensors", ".npz", ".json"])
@pytest.mark.parametrize("kind", list(CONFIGS))
def test_weights_read_back_by_the_standard_reader_equal_the_model(tmp_path, kind, suffix):
    trainer = trained(kind)
    path = export_weights(tmp_path / f"weights{suffix}", trainer)
    read = standard_read(path)
    assert list(read) == NAMES[kind] or sorted(read) == sorted(NAMES[kind])
    for name, values in model_weights(trainer).items():
        assert read[name].dtype == np.float32
        assert read[name].shape == values.shape
        np.testing.assert_array_equal(read[name], values, err_msg=name)
    if kind in ("linear", "expression"):   # no input scaling: the parameters themselves, renamed
        own = params(trainer)
        for exported, name in zip(NAMES[kind], own):
            np.testing.assert_array_equal(read[exported], own[name])


def test_float64_on_request(tmp_path):
    trainer = trained("linear")
    read = standard_read(export_weights(tmp_path / "w.safetensors", trainer, dtype="float64"))
    assert read["weight"].dtype == np.float64
    assert read["weight"][0, 0] == float(params(trainer)["w"][0, 0])


def test_safetensors_carry_pytorch_metadata(tmp_path):
    path = export_weights(tmp_path / "w.safetensors", trained("linear"), metadata={"model": "linear"})
    from safetensors import safe_open

    with safe_open(str(path), framework="numpy") as file:
        assert file.metadata() == {"format": "pt", "model": "linear"}


def test_safetensors_linear_weights_load_into_an_equivalent_torch_module(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file

    trainer = trained("linear")
    model = torch.nn.Linear(1, 1)
    model.load_state_dict(load_file(str(export_weights(tmp_path / "w.safetensors", trainer))))
    x = np.linspace(0, 5, 11, dtype=np.float32).reshape(-1, 1)
    import engine

    with torch.no_grad():
        expected = trainer.model(engine.from_numpy(x)).detach().numpy()
        np.testing.assert_allclose(model(torch.from_numpy(x)).numpy(), expected, rtol=1e-6)


def test_safetensors_mlp_weights_load_into_a_torch_sequential_named_layers(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file

    trainer = trained("mlp")
    model = torch.nn.Sequential(torch.nn.Linear(1, 8), torch.nn.Tanh(), torch.nn.Linear(8, 6), torch.nn.Tanh(),
                                torch.nn.Linear(6, 1))
    result = model.load_state_dict(load_file(str(export_weights(tmp_path / "w.safetensors", trainer))))
    assert not result.missing_keys and not result.unexpected_keys
    x = np.linspace(-3, 3, 13, dtype=np.float32).reshape(-1, 1)   # the user's x: the scaling is in the weights
    import engine

    with torch.no_grad():
        expected = trainer.model(engine.from_numpy(x)).detach().numpy()
        np.testing.assert_allclose(model(torch.from_numpy(x)).numpy(), expected, rtol=1e-5, atol=1e-5)


# ----- load_weights -----------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".safetensors", ".npz", ".json"])
def test_load_weights_puts_them_back_into_a_fresh_model(tmp_path, suffix):
    source = trained("mlp", 50)
    path = export_weights(tmp_path / f"w{suffix}", source)
    fresh = Trainer(CONFIGS["mlp"])
    load_weights(path, fresh)
    for name, values in params(source).items():   # through the user's units and back: float32 rounding only
        np.testing.assert_allclose(params(fresh)[name], values, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(fresh.snapshot().grid_pred, source.snapshot().grid_pred, rtol=1e-5, atol=1e-6)


def test_weights_of_the_wrong_shape_give_a_message_and_change_nothing(tmp_path):
    path = export_weights(tmp_path / "w.safetensors", trained("mlp"))
    other = Trainer(SessionConfig(model=ModelConfig(kind="mlp", hidden=(8, 5))))
    before = params(other)
    file_before = path.read_bytes()
    with pytest.raises(WeightsError) as caught:
        load_weights(path, other)
    message = str(caught.value)
    assert message.startswith("w.safetensors does not fit the model: ")
    assert "'2.weight' has shape (6, 8), the model's has shape (5, 8)" in message
    assert "'2.bias' has shape (6,), the model's has shape (5,)" in message
    assert "The model's parameters are: 0.weight (8, 1)" in message
    for name, values in params(other).items():
        np.testing.assert_array_equal(values, before[name])
    assert path.read_bytes() == file_before


def test_weights_of_another_model_name_what_is_missing_and_unexpected(tmp_path):
    path = export_weights(tmp_path / "w.npz", trained("linear"))
    with pytest.raises(WeightsError) as caught:
        load_weights(path, Trainer(CONFIGS["expression"]))
    message = str(caught.value)
    assert "it has no tensor 'a'" in message and "the model has no parameter 'bias'" in message


@pytest.mark.parametrize("name, content, expected", [
    ("w.safetensors", b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}", "not a valid safetensors file"),
    ("w.npz", b"PK\x03\x04 cut short", "not a valid .npz file"),
    ("w.json", b'{"tensors": ', "not valid JSON"),
    ("w.json", b'{"w": [[1.0]]}', 'no "tensors" object'),
    ("w.pt", b"", "unknown weights format '.pt'"),
])
def test_unreadable_weights_files(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(WeightsError, match=expected):
        read_weights(path)


def test_npz_needing_pickle_is_refused(tmp_path):
    path = tmp_path / "w.npz"
    np.savez(path, w=np.array([{"evil": 1}], dtype=object))
    with pytest.raises(WeightsError, match="cannot be read safely"):
        load_weights(path, Trainer(SessionConfig()))


def test_non_finite_weights_are_refused(tmp_path):
    path = tmp_path / "w.npz"
    np.savez(path, w=np.full((1, 1), np.nan, np.float32), b=np.zeros(1, np.float32))
    with pytest.raises(WeightsError, match="'w' holds NaN or Inf"):
        load_weights(path, Trainer(SessionConfig()))


# ----- history CSV -------------------------------------------------------------------------------------


def test_history_csv_has_a_row_per_step_with_loss_and_scalar_parameters(tmp_path):
    trainer = Trainer(SessionConfig())
    losses = [trainer.train_step() for _ in range(25)]
    with open(export_history_csv(tmp_path / "h.csv", trainer), newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == ["step", "wall_time", "loss", "w", "b"]
    assert [int(row["step"]) for row in rows] == list(range(1, 26))
    assert [float(row["loss"]) for row in rows] == losses
    wall = [float(row["wall_time"]) for row in rows]
    assert wall == sorted(wall) and wall[0] > 1e9  # Unix time
    final = params(trainer)
    assert float(rows[-1]["w"]) == float(final["w"][0, 0]) and float(rows[-1]["b"]) == float(final["b"][0])


def test_history_csv_of_an_mlp_has_the_loss_and_its_single_output_bias(tmp_path):
    trainer = trained("mlp", 5)
    header = (export_history_csv(tmp_path / "h.csv", trainer)).read_text().splitlines()[0]
    assert header == "step,wall_time,loss,layers.4.bias"


# ----- run folder --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["safetensors", "npz", "json"])
def test_run_folder_holds_weights_history_session_and_readme(tmp_path, fmt):
    trainer = trained("polynomial", 40)
    run = export_run_folder(tmp_path / "run", CONFIGS["polynomial"], trainer, weights_format=fmt)
    names = sorted(path.name for path in (tmp_path / "run").iterdir())
    assert names == sorted([".gradstudio-run", "README.md", "history.csv", "session.json", f"weights.{fmt}"])
    assert run.files() == [run.weights, run.history, run.session, run.readme]
    for name, values in model_weights(trainer).items():
        np.testing.assert_array_equal(standard_read(run.weights)[name], values)
    reopened = read_session_file(run.session).trainer
    assert reopened.step == 40
    for name, values in params(trainer).items():
        np.testing.assert_array_equal(params(reopened)[name], values)
    readme = run.readme.read_text()
    for text in ("Trained 40 steps", "polynomial of degree 3", "x**3 - x", "Adam", "learning rate 0.05",
                 f"`weights.{fmt}`", "`history.csv`", "`session.json`", "| `weight` | (1, 3) |", "| `bias` | (1,) |",
                 "torch.nn.Linear(3, 1)", "load_state_dict"):
        assert text in readme, text


def test_run_folder_includes_what_the_plot_renderer_wrote(tmp_path):
    def renderer(folder: Path) -> list[Path]:
        path = folder / "loss.png"
        path.write_bytes(b"\x89PNG fake")
        return [path]

    run = export_run_folder(tmp_path / "run", SessionConfig(), trained("linear", 3), plot_renderer=renderer)
    assert run.plots == [tmp_path / "run" / "loss.png"]
    assert "| `loss.png` | loss plot |" in run.readme.read_text()


def test_run_folder_of_a_diverged_run_says_so(tmp_path):
    config = SessionConfig(training=TrainingConfig(lr=10.0))
    trainer = Trainer(config)
    while trainer.diverged is None:
        trainer.train_step()
    run = export_run_folder(tmp_path / "run", config, trainer)
    assert "**The run diverged:**" in run.readme.read_text()
    assert all(np.isfinite(v).all() for v in standard_read(run.weights).values())


# ----- failing writes ----------------------------------------------------------------------------------


def test_a_folder_that_is_a_file_is_refused_and_the_file_kept(tmp_path):
    blocker = tmp_path / "run"
    blocker.write_text("my notes")
    with pytest.raises(ExportError) as caught:
        export_run_folder(blocker, SessionConfig(), trained("linear", 2))
    assert str(blocker) in str(caught.value)
    assert blocker.read_text() == "my notes"
    with pytest.raises(ExportError, match="part of the path is a file, not a folder"):
        export_weights(blocker / "w.safetensors", trained("linear", 2))


@contextlib.contextmanager
def made_read_only(folder: Path):
    """`folder` made unwritable for everyone, root included: root ignores chmod, but not an immutable
    folder (chattr +i)."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
        return
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
        pytest.skip("running as root on a file system without chattr +i: no way to make a read-only folder")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_an_unwritable_export_folder_says_permission_denied_and_keeps_existing_files(tmp_path):
    folder = tmp_path / "run"
    trainer = trained("linear", 5)
    first = export_run_folder(folder, SessionConfig(), trainer)
    before = {path.name: path.read_bytes() for path in first.files()}
    for _ in range(5):
        trainer.train_step()
    with made_read_only(folder):
        with pytest.raises(ExportError) as caught:
            export_run_folder(folder, SessionConfig(), trainer)
        assert str(caught.value) == f"Cannot write {folder}: permission denied"   # the staging folder in it
        with pytest.raises(ExportError, match="permission denied"):
            export_history_csv(folder / "history.csv", trainer)
    assert {path.name: path.read_bytes() for path in first.files()} == before
    assert sorted(os.listdir(folder)) == sorted([*before, ".gradstudio-run"])


def test_a_new_folder_inside_an_unwritable_one_says_permission_denied(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    with made_read_only(locked):
        with pytest.raises(ExportError) as caught:
            export_run_folder(locked / "run", SessionConfig(), trained("linear", 2))
        assert str(caught.value) == f"Cannot write {locked / 'run'}: permission denied"
        assert os.listdir(locked) == []


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 KiB file system (a tmpfs mount, when allowed) to fill up for real."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", f"gradstudio-test-{uuid.uuid4().hex[:8]}", str(mount_point)],
            capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


def test_a_full_disk_says_so_and_keeps_the_old_file(tiny_disk):
    small = SessionConfig(model=ModelConfig(kind="mlp", hidden=(8,)))
    old = export_weights(tiny_disk / "w.json", Trainer(small))
    before = old.read_bytes()
    big = Trainer(SessionConfig(model=ModelConfig(kind="mlp", hidden=(128, 128))))  # ~17k floats: > 64 KiB as JSON
    with pytest.raises(ExportError) as caught:
        export_weights(tiny_disk / "w.json", big)
    assert str(caught.value) == f"Cannot write {tiny_disk / 'w.json'}: the disk is full"
    assert old.read_bytes() == before
    assert os.listdir(tiny_disk) == ["w.json"]


def test_a_failure_after_writing_keeps_the_old_file_and_leaves_no_part_file(tmp_path, monkeypatch):
    path = export_weights(tmp_path / "w.safetensors", trained("linear", 2))
    before = path.read_bytes()

    def disk_full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(ExportError, match="the disk is full"):
        export_weights(path, trained("linear", 20))
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["w.safetensors"]


@pytest.mark.parametrize("name, reason", [
    ("x" * 300 + ".npz", "the name is too long"),
    ("bad\0name.npz", "the name is not allowed here"),
])
def test_bad_names_say_why(tmp_path, name, reason):
    with pytest.raises(ExportError) as caught:
        export_weights(tmp_path / name, trained("linear", 2))
    assert caught.value.reason == reason
    assert os.listdir(tmp_path) == []


def test_weights_export_names_follow_the_model(tmp_path):
    for kind, names in NAMES.items():
        assert list(model_weights(trained(kind, 1))) == names
        with zipfile.ZipFile(export_weights(tmp_path / f"{kind}.npz", trained(kind, 1))) as archive:
            assert sorted(archive.namelist()) == sorted(f"{name}.npy" for name in names)


# ----- weights in the user's units, loaded into PyTorch --------------------------------------------


@pytest.mark.parametrize("kind", list(CONFIGS))
def test_the_run_readme_code_loads_the_weights_into_pytorch_and_predicts_what_the_app_showed(tmp_path, kind):
    """The README's own snippet, run: the state dict loads with load_state_dict (no missing or unexpected
    keys) into a plain torch module that takes x in the data's units."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("safetensors.torch")
    import engine

    trainer = trained(kind, 60)
    run = export_run_folder(tmp_path / "run", CONFIGS[kind], trainer)
    readme = run.readme.read_text()
    code = readme.split("```python\n")[1].split("```")[0]
    x_min, x_max = CONFIGS[kind].data.x_min, CONFIGS[kind].data.x_max
    x = np.linspace(x_min, x_max, 17, dtype=np.float32).reshape(-1, 1)
    namespace = {"x": torch.from_numpy(x)}
    cwd = os.getcwd()
    os.chdir(run.folder)
    try:
        exec(compile(code, "README.md", "exec"), namespace)
    finally:
        os.chdir(cwd)
    model = namespace["model"]
    with torch.no_grad():
        if kind == "expression":
            p = dict(model.named_parameters())
            shown = p["a"] * torch.sin(p["w"] * namespace["x"]) + p["c"]
        else:
            shown = namespace["y"]
    expected = trainer.model(engine.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(shown.detach().numpy(), expected, rtol=1e-4, atol=1e-4)


def test_a_cubic_is_exported_by_the_coefficients_of_x_itself(tmp_path):
    """The data are 0.5x³ − x: the exported coefficient of x³ is near 0.5, not the 4.3 of the scaled u³."""
    config = SessionConfig(model=ModelConfig(kind="polynomial", degree=3),
                           data=DataConfig(truth="0.5*x**3 - x", noise_std=0.05, x_min=-2.0, x_max=2.0, batch_size=32),
                           training=TrainingConfig(optimizer="adam", lr=0.05))
    trainer = Trainer(config)
    for _ in range(1500):
        trainer.train_step()
    weights = standard_read(export_weights(tmp_path / "cubic.safetensors", trainer))
    np.testing.assert_allclose(weights["weight"][0], [-1.0, 0.0, 0.5], atol=0.08)
    assert abs(weights["bias"][0]) < 0.08
    assert abs(float(params(trainer)["c3"]) - 4.0) < 0.5   # inside the app: the coefficient of u = x / 2


def test_weights_of_an_older_export_by_the_models_own_names_still_load(tmp_path):
    source = trained("polynomial", 20)
    path = tmp_path / "old.npz"
    np.savez(path, **params(source))
    fresh = Trainer(CONFIGS["polynomial"])
    load_weights(path, fresh)
    for name, values in params(source).items():
        np.testing.assert_array_equal(params(fresh)[name], values)
def test_a_run_folder_export_that_fails_midway_leaves_the_old_files_alone(tmp_path, monkeypatch):
    from engine.session import export

    folder = tmp_path / "run"
    trainer = trained("linear", 5)
    first = export_run_folder(folder, SessionConfig(), trainer)
    before = {path.name: path.read_bytes() for path in first.files()}
    for _ in range(5):
        trainer.train_step()

    def full_disk(*args, **kwargs):
        raise ExportError(folder / "session.json", "the disk is full")

    monkeypatch.setattr(export, "export_run_session", full_disk)   # after the new weights were written
    with pytest.raises(ExportError, match="the disk is full"):
        export_run_folder(folder, SessionConfig(), trainer)
    assert {path.name: path.read_bytes() for path in first.files()} == before   # no new weights beside the old session
    assert sorted(os.listdir(folder)) == sorted([*before, ".gradstudio-run"])   # and no staging folder left


def test_stale_part_files_and_staging_folders_are_cleaned_but_fresh_ones_kept(tmp_path):
    import time

    from engine.session.files import remove_stale_parts

    old, fresh, staging = tmp_path / ".s.json.abc.part", tmp_path / ".s.json.def.part", tmp_path / ".staging.x.part"
    for path in (old, fresh):
        path.write_text("{")
    staging.mkdir()
    (staging / "weights.npz").write_bytes(b"x")
    (tmp_path / "s.json").write_text("{}")
    hour_ago = time.time() - 7200
    for path in (old, staging):
        os.utime(path, (hour_ago, hour_ago))
    assert sorted(p.name for p in remove_stale_parts(tmp_path)) == [old.name, staging.name]
    assert sorted(os.listdir(tmp_path)) == [fresh.name, "s.json"]
