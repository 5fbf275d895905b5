"""Exports of a run: the weights (safetensors, .npz, JSON) named as the model names its parameters,
the history as CSV, and a run folder with everything plus a README of the settings. Every file is
written atomically; a failed write raises ExportError and leaves what was there before."""
from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import numpy as np

import engine
from engine import nn
from engine.session.choices import LOSSES, MODEL_KINDS, OPTIMIZERS
from engine.session.config import SessionConfig
from engine.session.files import MAX_WEIGHTS_BYTES, atomic_write, describe_os_error, open_regular, staged_folder
from engine.session.history import RunHistory
from engine.session.i18n import QT_TRANSLATE_NOOP, translate
from engine.session.trainer import Trainer

WEIGHT_FORMATS = ("safetensors", "npz", "json")
WEIGHT_SUFFIXES = {"safetensors": ".safetensors", "npz": ".npz", "json": ".json"}
_SUFFIX_FORMATS = {suffix: name for name, suffix in WEIGHT_SUFFIXES.items()}
_NO_SAFETENSORS = QT_TRANSLATE_NOOP("files", "the safetensors package is not installed (pip install safetensors); "
                                             ".npz and JSON work without it")
DTYPES = ("float32", "float64")
JSON_WEIGHTS_FORMAT = "gradstudio-weights"

# Writes the plots of a run into a folder and returns the files it wrote (gui/plot_export.py has one).
PlotRenderer = Callable[[Path], list[Path]]


class ExportError(Exception):
    """A file that could not be written: `path` and a `reason` a user can act on."""

    def __init__(self, path: str | os.PathLike, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(translate("files", "Cannot write {0}: {1}").format(self.path, reason))


class WeightsError(Exception):
    """Weights that cannot be read, or do not fit the model; the message lists every mismatch."""


def _write(path: Path, content) -> Path:
    try:
        return atomic_write(path, content)
    except OSError as error:
        raise ExportError(path, describe_os_error(error)) from None


def _model(target: Trainer | nn.Module) -> nn.Module:
    return target.model if isinstance(target, Trainer) else target


# ----- weights ---------------------------------------------------------------------------------------


def model_weights(target: Trainer | nn.Module, dtype: str = "float32") -> dict[str, np.ndarray]:
    """The weights as files hold them: for x in the user's units, named as the PyTorch module that
    computes the same function names them (see `torch_module_code`)."""
    if dtype not in DTYPES:
        raise ValueError(f"unknown dtype {dtype!r}; choose one of: {', '.join(DTYPES)}")
    return {name: np.array(values, dtype=dtype) for name, values in portable_weights(_model(target)).items()}


# The polynomial and the MLP see x scaled to u = (x − center) / half_width in [-1, 1] (models.py).
# Exports fold that scaling into the weights, so they work on x itself:
#   linear      w, b             → nn.Linear(1, 1): weight, bias
#   polynomial  c0 … ck (of u)   → nn.Linear(k, 1) on the features x, x², …, x^k: weight = the
#                                  coefficients of x¹ … x^k, bias = the constant
#   MLP         layers.N.*       → nn.Sequential(...): N.weight, N.bias; the first layer absorbs the scaling
#   expression  its parameters   → unchanged (a formula of x itself)

def portable_weights(model: nn.Module) -> dict[str, np.ndarray]:
    """The model's weights for x in the user's units, in float64, by the exported names."""
    from engine.session.models import MLP, LinearModel, PolynomialModel

    params = {name: p.detach().numpy().astype(np.float64) for name, p in model.named_parameters()}
    if isinstance(model, LinearModel):
        return {"weight": params["w"], "bias": params["b"]}
    if isinstance(model, PolynomialModel):
        scale = model.scale
        coefficients = [float(params[f"c{j}"]) for j in range(model.degree + 1)]
        of_x = _substitute(coefficients, 1.0 / scale.half_width, -scale.center / scale.half_width)
        return {"weight": np.array([of_x[1:]]), "bias": np.array([of_x[0]])}
    if isinstance(model, MLP):
        weights = {name.removeprefix("layers."): values for name, values in params.items()}
        if model.scale is None:   # 2-D features: already the model's own inputs
            return weights
        first, scale = weights["0.weight"], model.scale  # W·u + b = (W/h)·x + (b − W·c/h)
        weights["0.bias"] = weights["0.bias"] - first[:, 0] * scale.center / scale.half_width
        weights["0.weight"] = first / scale.half_width
        return weights
    return params


def _internal_weights(model: nn.Module, portable: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The inverse of `portable_weights`: the model's own parameters, by its own names."""
    from engine.session.models import MLP, LinearModel, PolynomialModel

    portable = {name: np.asarray(values, dtype=np.float64) for name, values in portable.items()}
    if isinstance(model, LinearModel):
        return {"w": portable["weight"], "b": portable["bias"]}
    if isinstance(model, PolynomialModel):
        scale = model.scale
        of_x = [float(portable["bias"][0]), *(float(v) for v in portable["weight"][0])]
        of_u = _substitute(of_x, scale.half_width, scale.center)   # x = half_width·u + center
        return {f"c{j}": np.array(value) for j, value in enumerate(of_u)}
    if isinstance(model, MLP):
        weights = {f"layers.{name}": values for name, values in portable.items()}
        if model.scale is None:
            return weights
        first, scale = portable["0.weight"], model.scale
        weights["layers.0.weight"] = first * scale.half_width
        weights["layers.0.bias"] = portable["0.bias"] + first[:, 0] * scale.center
        return weights
    return dict(portable)


def _substitute(coefficients: Sequence[float], alpha: float, beta: float) -> list[float]:
    """The coefficients of p(α·t + β) in t, given those of p in its variable (lowest power first)."""
    from math import comb

    result = [0.0] * len(coefficients)
    for j, c in enumerate(coefficients):
        for i in range(j + 1):
            result[i] += c * comb(j, i) * alpha ** i * beta ** (j - i)
    return result


def torch_module_code(config: SessionConfig, model: nn.Module) -> list[str]:
    """Python lines that build the PyTorch module the exported weights load into, and use it."""
    kind = config.model.kind
    if kind == "linear":
        return ["model = torch.nn.Linear(1, 1)", "model.load_state_dict(state)", "y = model(x)  # x of shape (N, 1)"]
    if kind == "polynomial":
        k = config.model.degree
        return [f"model = torch.nn.Linear({k}, 1)  # weight[0, i - 1] multiplies x**i; bias is the constant",
                "model.load_state_dict(state)",
                f"y = model(torch.cat([x ** i for i in range(1, {k + 1})], dim=1))  # x of shape (N, 1)"]
    if kind == "mlp":
        activation = {"tanh": "Tanh", "relu": "ReLU", "sigmoid": "Sigmoid"}[config.model.activation]
        sizes = (1, *config.model.hidden, 1)
        layers = []
        for index, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
            layers.append(f"torch.nn.Linear({fan_in}, {fan_out})")
            if index < len(sizes) - 2:
                layers.append(f"torch.nn.{activation}()")
        return [f"model = torch.nn.Sequential({', '.join(layers)})", "model.load_state_dict(state)",
                "y = model(x)  # x of shape (N, 1), in the data's own units"]
    names = [name for name, _ in model.named_parameters()]
    return ["class Model(torch.nn.Module):", "    def __init__(self):", "        super().__init__()",
            *(f"        self.{name} = torch.nn.Parameter(torch.zeros(()))" for name in names),
            "", "model = Model()", "model.load_state_dict(state)",
            f"# the prediction is {config.model.expression}, with x and model.<name> as tensors"]


def weights_format(path: str | os.PathLike) -> str:
    """The format a weights file's suffix names."""
    suffix = Path(path).suffix.lower()
    for name, known in WEIGHT_SUFFIXES.items():
        if suffix == known:
            return name
    raise WeightsError(translate("files", "{0}: unknown weights format {1}; use one of: {2}").format(
        Path(path).name, repr(suffix) if suffix else translate("files", "(no suffix)"),
        ", ".join(WEIGHT_SUFFIXES.values())))


def weights_bytes(weights: Mapping[str, np.ndarray], fmt: str, metadata: Mapping[str, str] | None = None) -> bytes:
    """The weights encoded in `fmt`: what `export_weights` writes."""
    metadata = dict(metadata or {})
    if fmt == "safetensors":
        from safetensors.numpy import save

        # "format": "pt" is what PyTorch-side loaders (transformers and others) look for.
        # np.array, not np.ascontiguousarray: that one turns a 0-d scalar parameter into shape (1,).
        return save({name: np.array(values, order="C") for name, values in weights.items()},
                    metadata={"format": "pt", **{key: str(value) for key, value in metadata.items()}})
    if fmt == "npz":
        buffer = io.BytesIO()
        np.savez(buffer, **weights)
        return buffer.getvalue()
    if fmt == "json":
        dtypes = {str(values.dtype) for values in weights.values()}
        document = {"format": JSON_WEIGHTS_FORMAT, "version": 1, "dtype": dtypes.pop() if len(dtypes) == 1 else "mixed",
                    **({"metadata": metadata} if metadata else {}),
                    "shapes": {name: list(values.shape) for name, values in weights.items()},
                    "tensors": {name: values.tolist() for name, values in weights.items()}}
        return (json.dumps(document, indent=1, allow_nan=False) + "\n").encode("utf-8")
    raise ValueError(f"unknown weights format {fmt!r}; choose one of: {', '.join(WEIGHT_FORMATS)}")


def export_weights(path: str | os.PathLike, target: Trainer | nn.Module | Mapping[str, np.ndarray],
                   fmt: str | None = None, dtype: str = "float32", metadata: Mapping[str, str] | None = None) -> Path:
    """Write the weights of a trainer, a model or a name → array mapping; the format follows the
    suffix unless `fmt` is given. Safetensors loads with `safetensors.numpy.load_file` (and into
    PyTorch), .npz with `np.load(allow_pickle=False)`, JSON with any JSON reader."""
    path = Path(path)
    fmt = fmt or weights_format(path)
    weights = ({name: np.asarray(values, dtype=dtype) for name, values in target.items()}
               if isinstance(target, Mapping) else model_weights(target, dtype))
    for name, values in weights.items():
        if not np.isfinite(values).all():
            raise ExportError(path, translate("files", "parameter {0} holds NaN or Inf; there is nothing worth saving")
                              .format(repr(name)))
    try:
        content = weights_bytes(weights, fmt, metadata)
    except ImportError:
        raise ExportError(path, translate("files", _NO_SAFETENSORS)) from None
    return _write(path, content)


def read_weights(path: str | os.PathLike, fmt: str | None = None,
                 shapes: Mapping[str, tuple] | None = None) -> dict[str, np.ndarray]:
    """The tensors in a weights file by name; WeightsError says why a file cannot be read. With
    `shapes`, an .npz whose headers declare other shapes is refused before anything is inflated."""
    path = Path(path)
    fmt = fmt or weights_format(path)
    name = path.name
    try:
        open_regular(path, MAX_WEIGHTS_BYTES).close()   # a FIFO or /dev/zero is refused, not read
        if fmt == "safetensors":
            from safetensors.numpy import load_file

            return dict(load_file(str(path)))
        if fmt == "npz":
            wanted = _npz_members_to_inflate(path, name, shapes)
            with np.load(path, allow_pickle=False) as archive:
                return {key: archive[key] if inflate else _stand_in(*declared)
                        for key, (inflate, declared) in wanted.items()}
        if fmt == "json":
            return _json_weights(json.loads(path.read_text(encoding="utf-8")), name)
    except WeightsError:
        raise
    except ImportError:
        raise WeightsError(f"{name}: {translate('files', _NO_SAFETENSORS)}") from None
    except FileNotFoundError:
        raise WeightsError(translate("files", "{0}: there is no such file").format(name)) from None
    except OSError as error:
        raise WeightsError(f"{name}: {describe_os_error(error)}") from None
    except json.JSONDecodeError as error:
        raise WeightsError(translate("files", "{0}: not valid JSON ({1} at line {2}, column {3})")
                           .format(name, error.msg, error.lineno, error.colno)) from None
    except (zipfile.BadZipFile, EOFError):
        raise WeightsError(translate("files", "{0}: not a valid .npz file (damaged or cut short)").format(name)) from None
    except ValueError as error:  # e.g. an object array that would need pickle
        raise WeightsError(translate("files", "{0}: cannot be read safely: {1}").format(name, error)) from None
    except Exception as error:  # safetensors raises its own SafetensorError for damaged files
        raise WeightsError(translate("files", "{0}: not a valid {1} file ({2})").format(name, fmt, error)) from None
    raise ValueError(f"unknown weights format {fmt!r}; choose one of: {', '.join(WEIGHT_FORMATS)}")


def _npz_members_to_inflate(path: Path, name: str, shapes: Mapping[str, tuple] | None) -> dict:
    """key -> (inflate?, (shape, dtype)) from the .npy headers alone: every member must be an array;
    with `shapes`, only members the model has, of its shapes, are inflated; and what is inflated
    must fit the size limit (2 MB of zeros inflate to 2 GB)."""
    members, total = {}, 0
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            if not member.filename.endswith(".npy"):
                raise WeightsError(translate("files", "{0}: {1} in the archive is not an array").format(
                    name, repr(member.filename)))
            with archive.open(member) as file:
                version = np.lib.format.read_magic(file)
                read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                               else np.lib.format.read_array_header_2_0)
                shape, _, dtype = read_header(file)
            if dtype.hasobject:
                raise ValueError("Object arrays cannot be loaded when allow_pickle=False")
            key = member.filename[:-4]
            inflate = shapes is None or tuple(shapes.get(key, ())) == tuple(shape) and key in shapes
            total += int(np.prod(shape, dtype=object)) * dtype.itemsize if inflate else 0
            if total > MAX_WEIGHTS_BYTES:
                raise WeightsError(translate("files", "{0}: its arrays would take more than {1} MB").format(
                    name, MAX_WEIGHTS_BYTES >> 20))
            members[key] = (inflate, (tuple(shape), dtype))
    return members


def _stand_in(shape: tuple, dtype: np.dtype) -> np.ndarray:
    """An array of `shape` that takes no memory: enough for the shape checks that will refuse it."""
    return np.lib.stride_tricks.as_strided(np.zeros(1, dtype=dtype), shape, (0,) * len(shape), writeable=False)


def _json_weights(document, name: str) -> dict[str, np.ndarray]:
    if not isinstance(document, dict) or not isinstance(document.get("tensors"), dict):
        raise WeightsError(translate("files", '{0}: not a GradStudio weights file (no "tensors" object)').format(name))
    dtype = document.get("dtype", "float32")
    dtype = dtype if dtype in DTYPES else "float64"
    weights = {}
    for key, values in document["tensors"].items():
        try:
            weights[key] = np.asarray(values, dtype=dtype)
        except (ValueError, TypeError):
            raise WeightsError(translate("files", "{0}: tensor {1} is not a number or nested lists of numbers")
                                   .format(name, repr(key))) from None
    return weights


def load_weights(path: str | os.PathLike, target: Trainer | nn.Module, fmt: str | None = None) -> dict[str, np.ndarray]:
    """Copy the weights in a file into the model's parameters, in place, and return them.

    Every name and shape is checked first; on any mismatch nothing changes and WeightsError lists
    each problem beside the model's own parameters.
    """
    path = Path(path)
    model = _model(target)
    own = dict(model.named_parameters())
    exported = model_weights(model)
    # .npz members are inflated only at the shapes the model could load (exported or own names)
    shapes = {name: tuple(p.shape) for name, p in own.items()}
    shapes.update({name: tuple(values.shape) for name, values in exported.items()})
    weights = read_weights(path, fmt, shapes)
    # Files hold the exported form (model_weights); a file by the model's own names is an older export.
    legacy = set(weights) == set(own) and set(weights) != set(exported)
    parameters = own if legacy else exported
    problems = []
    for name, p in parameters.items():
        if name not in weights:
            problems.append(translate("files", "it has no tensor {0}").format(repr(name)))
        elif tuple(weights[name].shape) != tuple(p.shape):
            problems.append(translate("files", "{0} has shape {1}, the model's has shape {2}")
                            .format(repr(name), _shape(weights[name].shape), _shape(p.shape)))
        elif weights[name].dtype.kind not in "fiu":
            problems.append(translate("files", "{0} holds {1} values, not numbers").format(repr(name), weights[name].dtype))
        elif not np.isfinite(weights[name]).all():
            problems.append(translate("files", "{0} holds NaN or Inf").format(repr(name)))
    problems += [translate("files", "the model has no parameter {0}").format(repr(name))
                 for name in weights if name not in parameters]
    if problems:
        expected = ", ".join(f"{name} {_shape(p.shape)}" for name, p in parameters.items())
        raise WeightsError(translate("files", "{0} does not fit the model: {1}. The model's parameters are: {2}.")
                           .format(path.name, translate("files", "; ").join(problems), expected))
    loaded = {name: weights[name] for name in parameters}
    values = loaded if legacy else _internal_weights(model, loaded)
    with engine.no_grad():  # an in-place copy: graphs that saved the old values notice the new version
        for name, p in own.items():
            dtype = p.detach().numpy().dtype
            p.copy_(engine.from_numpy(np.asarray(np.reshape(values[name], tuple(p.shape)), dtype=dtype)))
    return loaded


def _shape(shape) -> str:
    return "(" + ", ".join(str(int(n)) for n in shape) + ("," if len(shape) == 1 else "") + ")"


# ----- history ---------------------------------------------------------------------------------------


def history_csv(history: RunHistory) -> str:
    """`step,wall_time,loss,<scalar parameters>`, one row per recorded step."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(history.columns)
    for row in history.rows():
        writer.writerow([int(row[0]), f"{row[1]:.6f}", *(repr(float(value)) for value in row[2:])])
    return buffer.getvalue()


def export_history_csv(path: str | os.PathLike, history: RunHistory | Trainer) -> Path:
    history = history.history if isinstance(history, Trainer) else history
    return _write(Path(path), history_csv(history).encode("utf-8"))


# ----- run folder ------------------------------------------------------------------------------------


@dataclass
class RunFolder:
    """What `export_run_folder` wrote."""

    folder: Path
    weights: Path
    history: Path
    session: Path
    readme: Path
    plots: list[Path] = field(default_factory=list)

    def files(self) -> list[Path]:
        return [self.weights, self.history, self.session, *self.plots, self.readme]


def export_run_folder(folder: str | os.PathLike, config: SessionConfig, trainer: Trainer,
                      weights_format: str = "safetensors", plot_renderer: PlotRenderer | None = None,
                      scratchpad: str = "", dtype: str = "float32", force: bool = False) -> RunFolder:
    """Weights, history CSV, the session file (reopens the run where it stopped), the plots when a
    renderer is given, and a README of the settings, into `folder` (made if needed; see prepare_folder)."""
    if weights_format not in WEIGHT_FORMATS:
        raise ValueError(f"unknown weights format {weights_format!r}; choose one of: {', '.join(WEIGHT_FORMATS)}")
    folder = prepare_folder(folder, force)
    try:
        with staged_folder(folder) as staging:   # all files or none: a failure leaves the folder as it was
            weights = export_run_weights(staging, config, trainer, weights_format, dtype)
            history = export_history_csv(staging / "history.csv", trainer.history)
            session = export_run_session(staging, _config_as_trained(config, trainer), trainer, scratchpad)
            plots = list(plot_renderer(staging)) if plot_renderer is not None else []
            readme = staging / "README.md"
            export_readme(readme, config, trainer, [weights, history, session, *plots, readme], dtype)
    except OSError as error:
        raise ExportError(folder, describe_os_error(error)) from None
    return RunFolder(folder, *(folder / path.name for path in (weights, history, session, readme)),
                     [folder / path.name for path in plots])


RUN_MARKER = ".gradstudio-run"  # in every run folder: the files beside it may be replaced by the next run
_MARKER_TEXT = ("GradStudio wrote this run folder. Writing another run into it replaces the files of the same "
                "name (weights, history.csv, session.json, plots, README.md).\n")


def is_run_folder(folder: str | os.PathLike) -> bool:
    return (Path(folder) / RUN_MARKER).is_file()


def check_run_folder(folder: str | os.PathLike, force: bool = False) -> None:
    """ExportError unless `folder` is new, empty or a run folder (or `force`): checked before training too."""
    folder = Path(folder)
    if folder.is_dir() and not force and not is_run_folder(folder) and any(folder.iterdir()):
        raise ExportError(folder, translate("files", "the folder is not empty and is not a GradStudio run folder, "
                                                     "so its files could be replaced; choose a new or empty folder "
                                                     "(or use --force to write into it anyway)"))


def prepare_folder(folder: str | os.PathLike, force: bool = False) -> Path:
    """The run folder, made if needed and marked as one; ExportError when it cannot be, or when it is a
    non-empty folder GradStudio did not write (its README.md is someone's) unless `force`."""
    folder = Path(folder)
    check_run_folder(folder, force)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(folder, describe_os_error(error)) from None
    if not folder.is_dir():
        raise ExportError(folder, translate("files", "it is a file, not a folder"))
    if not is_run_folder(folder):
        _write(folder / RUN_MARKER, _MARKER_TEXT.encode("utf-8"))
    return folder


def export_run_weights(folder: Path, config: SessionConfig, trainer: Trainer, weights_format: str,
                       dtype: str = "float32") -> Path:
    """`weights.<format>` in a run folder, tagged with what produced it."""
    metadata = {"producer": "GradStudio", "model": config.model.kind, "step": str(trainer.step)}
    return export_weights(folder / f"weights{WEIGHT_SUFFIXES[weights_format]}", trainer, weights_format,
                          dtype, metadata)


def export_run_session(folder: Path, config: SessionConfig, trainer: Trainer, scratchpad: str = "") -> Path:
    """`session.json` in a run folder (a session file failure reported as an ExportError)."""
    from engine.session.session_file import SessionFileError, write_session_file

    try:
        return write_session_file(folder / "session.json", config, trainer, scratchpad)
    except SessionFileError as error:
        raise ExportError(error.path, error.message) from None


def _config_as_trained(config: SessionConfig, trainer: Trainer) -> SessionConfig:
    """The config with the learning rate in use and a step limit the run has not passed."""
    training = replace(config.training, lr=trainer.lr)
    if training.steps is not None and trainer.step > training.steps:
        training = replace(training, steps=trainer.step)
    return replace(config, training=training)


def describe_model(config: SessionConfig) -> str:
    model = config.model
    if model.kind == "polynomial":
        return (f"polynomial of degree {model.degree}: c0 + c1·u + … + c{model.degree}·u^{model.degree}, u = x scaled "
                "to [-1, 1] (exported as the coefficients of x itself)")
    if model.kind == "mlp":
        sizes = " → ".join(str(size) for size in (1, *model.hidden, 1))
        return f"MLP {sizes} with {model.activation}, on x scaled to [-1, 1] (exported with the scaling folded in)"
    if model.kind == "expression":
        return f"custom expression `{model.expression}`"
    return MODEL_KINDS[model.kind].label if model.kind in MODEL_KINDS else model.kind


def run_readme(config: SessionConfig, trainer: Trainer, files: Sequence[Path], dtype: str = "float32") -> str:
    """A short Markdown account of a run and of the exported `files` (README.md itself included)."""
    data, training = config.data, config.training
    loss_label = LOSSES[training.loss].label if training.loss in LOSSES else training.loss
    lines = [f"# {config.name} — GradStudio run", ""]
    when = datetime.now().astimezone().isoformat(timespec="seconds")
    if trainer.step:
        lines.append(f"Trained {trainer.step:,} steps; last batch loss {trainer.last_loss:.6g} ({loss_label}). "
                     f"Written {when}.")
    else:
        lines.append(f"Not trained yet (step 0). Written {when}.")
    if trainer.diverged:
        lines += ["", f"**The run diverged:** {trainer.diverged}."]
    stride = trainer.history.stride
    history_text = ("step, wall time (Unix seconds), loss and each scalar parameter"
                    + (f", one row every {stride:,} steps (to stay small)" if stride > 1 else ", every step"))
    weights_file = next((path for path in files if path.stem == "weights" and path.suffix in _SUFFIX_FORMATS), None)
    lines += ["", "## Files", "", "| file | contents |", "| --- | --- |"]
    for path in files:
        if path == weights_file:
            what = f"the trained parameters by name ({dtype})"
        elif path.name == "history.csv":
            what = history_text
        elif path.name == "session.json":
            what = "the session: open it in GradStudio to see the plots and continue training"
        elif path.name == "README.md":
            what = "this file"
        elif path.stem == "window":
            what = "the whole window"
        else:
            what = f"{path.stem.replace('_', ' ')} plot"
        lines.append(f"| `{path.name}` | {what} |")
    if data.source == "csv":
        data_text = f"CSV file `{data.csv_path}`, x = column `{data.x_column}`, y = column `{data.y_column}`"
    else:
        data_text = (f"y = {data.truth} + noise (std {data.noise_std:g}), {data.n_points:,} points "
                     f"with x in [{data.x_min:g}, {data.x_max:g}], seed {data.seed}")
    optimizer = OPTIMIZERS[training.optimizer].label if training.optimizer in OPTIMIZERS else training.optimizer
    if training.optimizer == "momentum":
        optimizer += f" ({training.momentum:g})"
    lines += ["", "## Settings", "",
              f"- **Model:** {describe_model(config)}",
              f"- **Data:** {data_text}; batch size {data.batch_size}",
              f"- **Training:** {optimizer}, learning rate {trainer.lr:g}, loss: {loss_label}, seed {training.seed}"]
    weights = model_weights(trainer)
    lines += ["", "## Parameters", "", "| name | shape | value |", "| --- | --- | --- |"]
    for name, values in weights.items():
        value = f"{values.item():.6g}" if values.size == 1 else f"‖·‖ = {float(np.linalg.norm(values)):.6g}"
        lines.append(f"| `{name}` | {_shape(values.shape)} | {value} |")
    scale = getattr(trainer.model, "scale", None)
    if scale is not None:
        lines += ["", f"Inside GradStudio the model sees x scaled to u = (x − {scale.center:g}) / {scale.half_width:g} "
                      "(the data's x range becomes [-1, 1]); the exported weights have that scaling folded in, "
                      "so they take x in the data's own units."]
    if weights_file is not None:
        name = weights_file.name
        loader = {"safetensors": ("import torch", "from safetensors.torch import load_file", f'state = load_file("{name}")'),
                  "npz": ("import numpy as np, torch",
                          f'state = {{k: torch.from_numpy(v) for k, v in np.load("{name}", allow_pickle=False).items()}}'),
                  "json": ("import json, torch",
                           f'state = {{k: torch.tensor(v) for k, v in json.load(open("{name}"))["tensors"].items()}}'),
                  }[_SUFFIX_FORMATS[weights_file.suffix]]
        lines += ["", "## Loading the weights into PyTorch", "",
                  "The tensors are named as this PyTorch module names its parameters, and it predicts what "
                  "GradStudio showed:", "", "```python", *loader, *torch_module_code(config, trainer.model), "```"]
    return "\n".join(lines) + "\n"


def export_readme(path: str | os.PathLike, config: SessionConfig, trainer: Trainer, files: Sequence[Path],
                  dtype: str = "float32") -> Path:
    """Write `run_readme` to `path` (list `path` itself in `files` to have it in the table)."""
    return _write(Path(path), run_readme(config, trainer, files, dtype).encode("utf-8"))
