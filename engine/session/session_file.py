"""Session files: one JSON document holding the configs, the trained state and the history of a run,
so that opening it shows the same plots and training continues exactly where it stopped.

Reading never executes anything from the file: it is parsed as JSON, every field is checked, and
expressions go through the whitelisting parser. Writing is atomic.
"""
from __future__ import annotations

import dataclasses
import json
import math
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import numpy as np

from engine.session.config import SCHEMA_VERSION, ConfigError, SessionConfig
from engine.session.files import MAX_SESSION_BYTES, atomic_write, describe_os_error, read_regular
from engine.session.history import RunHistory
from engine.session.i18n import QT_TRANSLATE_NOOP, translate
from engine.session.trainer import Trainer
from engine.session.validation import validate

_TOP_LEVEL = ("schema", "app", "name", "model", "data", "training", "state", "history", "scratchpad")
_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


class SessionFileError(Exception):
    """A session file that cannot be read or written; `message` says what is wrong and, for a bad
    field, starts with its path ("state.parameters.w: …")."""

    def __init__(self, path: str | os.PathLike, message: str, action: str = "open") -> None:
        self.path = Path(path)
        self.message = message
        template = translate("files", "Cannot save {0}: {1}") if action == "save" else \
            translate("files", "Cannot open {0}: {1}") if action == "open" else f"Cannot {action} {{0}}: {{1}}"
        super().__init__(template.format(self.path, message))


@dataclass
class SessionFile:
    """What a session file holds. `state` is in `Trainer.state_dict()` form, or None for a session
    that was never trained; `trainer` is the trainer rebuilt from it (step 0 when state is None)."""

    config: SessionConfig
    state: dict[str, Any] | None = None
    history: RunHistory | None = None
    scratchpad: str = ""
    path: Path | None = None
    trainer: Trainer | None = field(default=None, repr=False)

    def restore(self, trainer: Trainer) -> None:
        """Put the saved run into `trainer`, built from this session's config (its learning rate and step
        limit may differ): parameters, optimizer state, batch order, step counter and history."""
        if self.state is not None:
            try:
                trainer.load_state_dict(self.state)
            except ValueError as error:
                raise SessionFileError(self.path or "session", f"state.{error}") from None
        if self.history is not None:
            if self.history.param_names != trainer.history.param_names:
                raise SessionFileError(self.path or "session",
                                       translate("files", "history.columns: the parameter columns {0} do not fit "
                                                          "the model's scalar parameters {1}").format(
                                           self.history.param_names, trainer.history.param_names))
            trainer.history = RunHistory.from_dict(self.history.to_dict(), row_cap=self.history.row_cap)


# ----- writing ---------------------------------------------------------------------------------------


def session_to_dict(config: SessionConfig, trainer: Trainer | None = None, scratchpad: str = "") -> dict[str, Any]:
    """The JSON-ready form of a session: its configs, and the trainer's state and history when given."""
    data = config.to_dict()
    document: dict[str, Any] = {"schema": SCHEMA_VERSION, "app": _app_version(), "name": data["name"],
                                "model": data["model"], "data": data["data"], "training": data["training"],
                                "state": None, "history": None, "scratchpad": scratchpad}
    if trainer is not None:
        state = trainer.state_dict()
        finite_gradients = {name: grad for name, grad in state["gradients"].items() if np.isfinite(grad).all()}
        document["state"] = {
            "step": state["step"],
            "last_loss": _encode_number(state["last_loss"]),
            "diverged": state["diverged"],
            "parameters": {name: _encode_array(values) for name, values in state["parameters"].items()},
            # A diverged step leaves NaN gradients behind; they show nothing worth keeping.
            "gradients": {name: _encode_array(grad) for name, grad in finite_gradients.items()},
            "optimizer": {name: {key: _encode_array(value) if isinstance(value, np.ndarray) else value
                                 for key, value in entry.items()}
                          for name, entry in state["optimizer"].items()},
            "sampler": state["sampler"],
        }
        document["history"] = trainer.history.to_dict()
    return document


def write_session_file(path: str | os.PathLike, config: SessionConfig, trainer: Trainer | None = None,
                       scratchpad: str = "") -> Path:
    """Save a session atomically: on failure (SessionFileError naming the reason) the old file stays."""
    path = Path(path)
    text = _format_json(session_to_dict(config, trainer, scratchpad)) + "\n"
    try:
        return atomic_write(path, text.encode("utf-8"))
    except OSError as error:
        raise SessionFileError(path, describe_os_error(error), action="save") from None


def _app_version() -> str:
    try:
        from importlib.metadata import version

        return f"GradStudio {version('gradstudio')}"
    except Exception:  # noqa: BLE001 - not installed (running from a checkout)
        return "GradStudio"


def _encode_number(value: float) -> float | str:
    return value if math.isfinite(value) else ("NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity"))


def _encode_array(values: np.ndarray) -> Any:
    """Nested lists of numbers (a bare number for a 0-d array); JSON has no NaN, so those become strings."""
    values = np.asarray(values)
    if values.dtype.kind == "f" and not np.isfinite(values).all():
        return np.vectorize(_encode_number, otypes=[object])(values.astype(np.float64)).tolist()
    return values.tolist()


def _format_json(value: Any, indent: int = 0) -> str:
    """JSON with objects indented and each innermost list on one line: readable, and a long history or a
    weight matrix does not become one number per line."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, list):
        compact = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))
        if len(compact) <= 72:
            return compact
    if isinstance(value, dict) and value:
        items = (f"{inner}{json.dumps(key, ensure_ascii=False)}: {_format_json(item, indent + 1)}"
                 for key, item in value.items())
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list) and value and all(isinstance(item, list) for item in value):
        rows = (inner + _format_json(item, indent + 1) for item in value)
        return "[\n" + ",\n".join(rows) + f"\n{pad}]"
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))


# ----- reading ---------------------------------------------------------------------------------------


def read_session_file(path: str | os.PathLike, trainer_factory: Callable[[SessionConfig], Trainer] = Trainer) -> SessionFile:
    """Open a session file: everything is checked, and the trainer is rebuilt with the saved run in it.

    Raises SessionFileError with a message naming the problem: a missing or unreadable file, JSON
    that is damaged or cut short (with line and column), a file from a newer GradStudio, or a
    field that is missing, of the wrong type or does not fit the model (with its path).
    """
    path = Path(path)
    try:
        raw = read_regular(path, MAX_SESSION_BYTES)
    except FileNotFoundError:
        raise SessionFileError(path, translate("files", "there is no such file")) from None
    except IsADirectoryError:
        raise SessionFileError(path, translate("files", "it is a folder, not a session file")) from None
    except OSError as error:
        raise SessionFileError(path, describe_os_error(error)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SessionFileError(path, translate("files", "it is not a text file (byte {0} is not UTF-8); "
                                                        "session files are JSON").format(error.start)) from None
    return session_from_text(text, path, trainer_factory)


def session_from_text(text: str, path: str | os.PathLike = "session",
                      trainer_factory: Callable[[SessionConfig], Trainer] = Trainer) -> SessionFile:
    """A session from the text of a session file; `path` is used in messages and for relative CSV paths."""
    path = Path(path)
    if not text.strip():
        raise SessionFileError(path, translate("files", "the file is empty"))
    try:
        document = json.loads(text, parse_int=_parse_int)
    except _HugeNumber as error:
        raise SessionFileError(path, translate("files", "the number {0} has {1} digits: numbers in a session file "
                                                        "must fit in 64 bits").format(error.args[0], error.args[1])) \
            from None
    except json.JSONDecodeError as error:
        where = translate("files", "line {0}, column {1}").format(error.lineno, error.colno)
        # A string left open runs to the end of the file: that too is a file cut short.
        if error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string"):
            end = len(text)
            where = translate("files", "line {0}, column {1}").format(text.count(chr(10), 0, end) + 1,
                                                                       end - text.rfind(chr(10), 0, end))
            raise SessionFileError(path, translate("files", "the file ends too early ({0}): it was cut off, perhaps "
                                                            "while being copied or saved").format(where)) from None
        raise SessionFileError(path, translate("files", "it is not valid JSON: {0} at {1}").format(error.msg, where)) \
            from None
    except RecursionError:
        raise SessionFileError(path, translate("files", "it is not a session file: its JSON is nested too deeply")) \
            from None
    return session_from_dict(document, path, trainer_factory)


class _HugeNumber(ValueError):
    pass


def _parse_int(text: str) -> int:
    # 10**400 in a file would otherwise overflow later, far from where it is, as "int too large to convert"
    if len(text.lstrip("-")) > 19:
        raise _HugeNumber(text[:12] + "…", len(text.lstrip("-")))
    return int(text)


def session_from_dict(document: Any, path: str | os.PathLike = "session",
                      trainer_factory: Callable[[SessionConfig], Trainer] = Trainer) -> SessionFile:
    """A session from the parsed JSON of a session file (see `read_session_file`)."""
    path = Path(path)

    def fail(message: str) -> SessionFileError:
        return SessionFileError(path, message)

    if not isinstance(document, dict):
        raise fail(translate("files", "it is not a GradStudio session file: it holds a JSON {0}, not an object")
                   .format(_json_type(document)))
    if "schema" not in document:
        raise fail(translate("files", 'it is not a GradStudio session file: it has no "schema" field'))
    schema = document["schema"]
    if isinstance(schema, bool) or not isinstance(schema, int) or schema < 1:
        raise fail(translate("files", "schema: must be a whole number ≥ 1, not {0}").format(repr(schema)))
    if schema > SCHEMA_VERSION:
        raise fail(translate("files", "it was made by a newer GradStudio: schema {0}, this version reads up to {1}. "
                                      "Update GradStudio to open it.").format(schema, SCHEMA_VERSION))
    for name in ("model", "data", "training"):
        if name not in document:
            raise fail(translate("files", "{0}: missing (a session file holds model, data and training sections)")
                       .format(name))
    unknown = [key for key in document if key not in _TOP_LEVEL]
    if unknown:
        raise fail(translate("files", "{0}: unknown field; a session file has only {1}")
                   .format(unknown[0], ", ".join(_TOP_LEVEL)))

    config = _config(document, path, fail)
    scratchpad = document.get("scratchpad", "")
    if not isinstance(scratchpad, str):
        raise fail(translate("files", "{0}: must be text, not a JSON {1}").format("scratchpad", _json_type(scratchpad)))
    state = _state(document.get("state"), fail)
    history = None
    if document.get("history") is not None:
        try:
            history = RunHistory.from_dict(document["history"])
        except ValueError as error:
            raise fail(f"history.{error}") from None

    try:
        trainer = trainer_factory(config)
    except ConfigError as error:
        raise fail(str(error)) from None
    session = SessionFile(config, state, history, scratchpad, path, trainer)
    session.restore(trainer)
    return session


def _config(document: dict, path: Path, fail) -> SessionConfig:
    name = document.get("name", translate("files", "Untitled session"))
    if not isinstance(name, str):
        raise fail(translate("files", "{0}: must be text, not a JSON {1}").format("name", _json_type(name)))
    try:
        config = SessionConfig.from_dict(document)
    except ConfigError as error:
        raise fail(str(error)) from None
    except TypeError as error:  # a section whose values do not fit the dataclass at all
        raise fail(f"{error}") from None
    config.name = name
    data = config.data
    if data.source == "csv" and isinstance(data.csv_path, str) and data.csv_path and not os.path.isabs(data.csv_path):
        # A relative CSV path is relative to the session file, so a folder can be moved or shared whole.
        config.data = replace(data, csv_path=str((path.parent / data.csv_path).resolve()))
    _check_types(config, fail)
    errors = validate(config)
    if errors:
        raise fail("; ".join(str(error) for error in errors))
    return config


def _check_types(config: SessionConfig, fail) -> None:
    """Types validate() does not look at for the chosen kind, so a hand-edited file cannot smuggle in
    values the forms would choke on later."""
    for section_name in ("model", "data", "training"):
        section = getattr(config, section_name)
        for item in dataclasses.fields(section):
            value = getattr(section, item.name)
            where = f"{section_name}.{item.name}"
            expected = str(item.type)
            if expected == "str" and not isinstance(value, str):
                raise fail(translate("files", "{0}: must be text, not a JSON {1}").format(where, _json_type(value)))
            if expected == "float" and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise fail(translate("files", "{0}: must be a number, not a JSON {1}").format(where, _json_type(value)))
            if expected == "int" and (isinstance(value, bool) or not isinstance(value, int)):
                raise fail(translate("files", "{0}: must be a whole number, not {1}").format(where, repr(value)))
    hidden = config.model.hidden
    if not isinstance(hidden, tuple) or not all(isinstance(size, int) and not isinstance(size, bool) for size in hidden):
        raise fail(translate("files", "model.hidden: must be a list of whole numbers, such as [16, 16]"))
    initial = config.model.initial
    if not isinstance(initial, dict) or not all(isinstance(value, (int, float)) and not isinstance(value, bool)
                                                for value in initial.values()):
        raise fail(translate("files", 'model.initial: must map parameter names to numbers, such as {"a": 1.0}'))


def _state(data: Any, fail) -> dict[str, Any] | None:
    """The saved trainer state, decoded to `Trainer.state_dict()` form (shapes are checked later,
    against the model)."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise fail(translate("files", "state: must be an object or null, not a JSON {0}").format(_json_type(data)))
    for key in ("step", "parameters", "sampler"):
        if key not in data:
            raise fail(translate("files", "{0}: missing").format(f"state.{key}"))
    state = dict(data)
    state["last_loss"] = _decode_number(data.get("last_loss", math.nan), "state.last_loss", fail)
    for key in ("parameters", "gradients", "optimizer"):
        if not isinstance(data.get(key, {}), dict):
            raise fail(translate("files", "{0}: must be an object keyed by parameter name").format(f"state.{key}"))
    state["parameters"] = {name: _decode_array(value, f"state.parameters.{name}", fail, finite=True)
                           for name, value in data["parameters"].items()}
    state["gradients"] = {name: _decode_array(value, f"state.gradients.{name}", fail)
                          for name, value in data.get("gradients", {}).items()}
    optimizer = {}
    for name, entry in data.get("optimizer", {}).items():
        if not isinstance(entry, dict):
            raise fail(translate("files", "{0}: must be an object").format(f"state.optimizer.{name}"))
        optimizer[name] = {key: value if key == "step" else _decode_array(value, f"state.optimizer.{name}.{key}", fail)
                           for key, value in entry.items()}
    state["optimizer"] = optimizer
    return state


def _decode_number(value: Any, where: str, fail) -> float:
    if isinstance(value, str) and value in _NON_FINITE:
        return _NON_FINITE[value]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(translate("files", "{0}: must be a number, not {1}").format(where, repr(value)))
    return float(value)


def _decode_array(value: Any, where: str, fail, finite: bool = False) -> np.ndarray:
    def numbers(item: Any) -> Any:
        if isinstance(item, list):
            return [numbers(element) for element in item]
        return _decode_number(item, where, fail)

    try:
        array = np.asarray(numbers(value), dtype=np.float64)
    except ValueError:
        raise fail(translate("files", "{0}: must be a number or nested lists of numbers with one length per level")
                   .format(where)) from None
    if finite and not np.isfinite(array).all():
        raise fail(translate("files", "{0}: must be finite numbers").format(where))
    return array


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return translate("files", "true/false value")
    name = {dict: QT_TRANSLATE_NOOP("files", "object"), list: QT_TRANSLATE_NOOP("files", "list"),
            str: QT_TRANSLATE_NOOP("files", "text"), int: QT_TRANSLATE_NOOP("files", "number"),
            float: QT_TRANSLATE_NOOP("files", "number"), type(None): "null"}.get(type(value))
    return translate("files", name) if name is not None and name != "null" else (name or type(value).__name__)
