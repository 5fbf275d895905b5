"""The Model, Data and Training forms: they turn what the user types into a `SessionConfig` and show its errors."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from engine.session import (
    FUNCTIONS,
    DataConfig,
    ExpressionError,
    ModelConfig,
    SessionConfig,
    TrainingConfig,
    parse_expression,
    validate,
)
from engine.session import choices
from engine.session.config import MAX_CLASSES, MAX_SEED, MAX_STEPS, PROBLEM_LOSSES, ConfigError, problem_of
from engine.session.data import csv_columns
from engine.session.datasets2d import DATA_SHAPES as _DATA_SHAPES
from engine.session.datasets2d import FEATURES
from engine.session.i18n import QT_TRANSLATE_NOOP

from gui.form_fields import ConfigForm, FieldError, WholeNumberBox, float_text, row_of

CSV_TYPING_PAUSE_MS = 300

# The choices of the combo boxes: the session's tables, key -> English label (shown through
# translate("choices", label); activations are named as in code and stay as they are).
MODEL_KINDS, ACTIVATIONS, DATA_SOURCES, OPTIMIZERS, LOSSES, REGULARIZATIONS = (
    {key: choice.label for key, choice in table.items()}
    for table in (choices.MODEL_KINDS, choices.ACTIVATIONS, choices.DATA_SOURCES, choices.OPTIMIZERS, choices.LOSSES,
                  choices.REGULARIZATIONS))
DATA_SHAPES = {key: shape.label for key, shape in _DATA_SHAPES.items()}   # translated in context "config"

EXPRESSION_HELP = QT_TRANSLATE_NOOP("editors", "Numbers, x, + - * / **, unary minus and the functions {0}.")
# How training runs (a choice of the window, not of the session): key -> English label
ENGINES = {"compiled": QT_TRANSLATE_NOOP("choices", "compiled (numba)"), "eager": QT_TRANSLATE_NOOP("choices", "eager")}


def expression_help() -> str:
    return QCoreApplication.translate("editors", EXPRESSION_HELP).format(" ".join(FUNCTIONS))


def _combo(labels: dict[str, str]) -> QComboBox:
    combo = QComboBox()
    for key, text in labels.items():
        combo.addItem(text, key)
    return combo


def _translate_combo(combo: QComboBox, labels: dict[str, str], context: str = "choices") -> None:
    """Show each choice in the current language (the data, and so the selection, stay as they are)."""
    for index in range(combo.count()):
        combo.setItemText(index, QCoreApplication.translate(context, labels[combo.itemData(index)]))


def _set_combo(combo: QComboBox, key: str) -> None:
    index = combo.findData(key)
    combo.setCurrentIndex(max(index, 0))


def _spin(low: int, high: int) -> WholeNumberBox:
    return WholeNumberBox(low, high)


def _line() -> QLineEdit:
    return QLineEdit()  # the placeholder, if any, is set in retranslate_ui


class ModelEditor(ConfigForm):
    """Model kind and the fields of that kind: degree, hidden sizes and activation, or an expression."""

    section = "model"

    def __init__(self) -> None:
        super().__init__()
        self.kind = _combo(MODEL_KINDS)
        self.register("model.kind", self.add_row(self.kind), self.kind)
        self.degree = _spin(1, 12)
        self.register("model.degree", self.add_row(self.degree), self.degree)
        self.hidden = _line()
        self.register("model.hidden", self.add_row(self.hidden), self.hidden)
        self.activation = _combo(ACTIVATIONS)
        self.register("model.activation", self.add_row(self.activation), self.activation)
        self.expression = _line()
        self.register("model.expression", self.add_row(self.expression), self.expression)
        self.initial = QTableWidget(0, 2)
        self.initial.verticalHeader().hide()
        self.initial.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.initial.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.initial.setMaximumHeight(120)
        self.register("model.initial", self.add_row(self.initial), self.initial)
        self._initial_texts: dict[str, str] = {}  # every initial value typed, by parameter name
        self.expression.textEdited.connect(self._sync_parameter_rows)
        self.form.addRow(self.form_message)
        self.retranslate_ui()
        self.load(ModelConfig())

    def retranslate_ui(self) -> None:
        _translate_combo(self.kind, MODEL_KINDS)
        self.set_row_texts(self.kind, self.tr("Kind"), self.tr("Which model is fitted to the data."))
        self.set_row_texts(self.degree, self.tr("Degree"),
                           self.tr("Highest power of x: the model is c₀ + c₁·x + … + cₖ·xᵏ."))
        self.set_row_texts(self.hidden, self.tr("Hidden sizes"), self.tr("Units in each hidden layer, separated by commas."))
        self.hidden.setPlaceholderText(self.tr("e.g. {0}").format("16, 16"))
        _translate_combo(self.activation, ACTIVATIONS)
        self.set_row_texts(self.activation, self.tr("Activation"), self.tr("Nonlinearity after each hidden layer."))
        self.set_row_texts(self.expression, self.tr("Expression"),
                           self.tr("The model as a formula in x; every other name is a trained parameter.")
                           + " " + expression_help())
        self.expression.setPlaceholderText(self.tr("e.g. {0}").format("a * sin(w * x) + c"))
        self.initial.setHorizontalHeaderLabels([self.tr("Parameter"), self.tr("Initial value")])
        self.set_row_texts(self.initial, self.tr("Initial values"),
                           self.tr("Starting value of each parameter; leave empty for the default (seeded)."))

    def update_visibility(self) -> None:
        kind = self.kind.currentData()
        for widget, kinds in ((self.degree, {"polynomial"}), (self.hidden, {"mlp"}), (self.activation, {"mlp"}),
                              (self.expression, {"expression"}), (self.initial, {"expression"})):
            self.form.setRowVisible(self.cell_of(widget), kind in kinds)

    def load(self, config: ModelConfig) -> None:
        with self.loading():
            _set_combo(self.kind, config.kind)
            self.degree.setValue(config.degree)
            self.hidden.setText(", ".join(str(n) for n in config.hidden))
            _set_combo(self.activation, config.activation)
            self.expression.setText(config.expression)
            self._sync_parameter_rows(values=dict(config.initial))
        self.update_visibility()

    def _sync_parameter_rows(self, *_args, values: dict[str, float] | None = None) -> None:
        """One table row per parameter of the expression, with the values typed for those names.

        Values are remembered by name across edits: typing "a * sin(w" passes through "a",
        and the value given to w must still be there when w comes back.
        """
        if values is not None:
            self._initial_texts = {name: float_text(value) for name, value in values.items()}
        else:
            self._initial_texts.update(self._typed_initial_texts())
        try:
            names = parse_expression(self.expression.text(), allow_params=True).params
        except (ExpressionError, ValueError):
            return  # keep the rows while the expression is mid-edit
        with self.loading():
            self.initial.setRowCount(len(names))
            for row, name in enumerate(names):
                label = QTableWidgetItem(name)
                label.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.initial.setItem(row, 0, label)
                self.initial.setItem(row, 1, QTableWidgetItem(self._initial_texts.get(name, "")))

    def _typed_initial_texts(self) -> dict[str, str]:
        texts = {}
        for row in range(self.initial.rowCount()):
            name, value = self.initial.item(row, 0), self.initial.item(row, 1)
            if name is not None:
                texts[name.text()] = value.text().strip() if value is not None else ""
        return texts

    def read(self, errors: list[FieldError]) -> ModelConfig:
        kind = self.kind.currentData()
        config = ModelConfig(kind=kind, degree=self.degree.value(), activation=self.activation.currentData(),
                             expression=self.expression.text())
        hidden_text = self.hidden.text().replace(" ", "")
        try:
            hidden = tuple(int(part) for part in hidden_text.split(",") if part)
            if not hidden or min(hidden) < 1:
                raise ValueError
            config.hidden = hidden
        except ValueError:
            if kind == "mlp":
                errors.append(FieldError("model.hidden", self.tr("enter positive whole numbers separated by commas, "
                                                                 "e.g. {0}").format("16, 16")))
        initial = {}
        for name, text in self._typed_initial_texts().items():
            if not text:
                continue
            try:
                initial[name] = float(text)
            except ValueError:
                if kind == "expression":
                    errors.append(FieldError("model.initial", self.tr("initial value of {0}: '{1}' is not a number")
                                             .format(name, text)))
        config.initial = initial
        return config


class DataEditor(ConfigForm):
    """Where the points come from: a noisy ground-truth expression, or two columns of a CSV file."""

    section = "data"

    def __init__(self) -> None:
        super().__init__()
        self.source = _combo(DATA_SOURCES)
        self.register("data.source", self.add_row(self.source), self.source)
        self.truth = _line()
        self.register("data.truth", self.add_row(self.truth), self.truth)
        self.noise = _line()
        self.register("data.noise_std", self.add_row(self.noise), self.noise)
        self.x_min, self.x_max = _line(), _line()
        for edit in (self.x_min, self.x_max):
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.x_to = QLabel()
        x_range = self.add_row(row_of(self.x_min, self.x_to, self.x_max))
        self.register("data.x_min", x_range, self.x_min)
        self.register("data.x_max", x_range, self.x_max)
        self.n_points = _spin(1, 10_000_000)
        self.register("data.n_points", self.add_row(self.n_points), self.n_points)
        self.seed = _spin(0, MAX_SEED)
        self.register("data.seed", self.add_row(self.seed), self.seed)
        # a built-in 2-D data set: its shape, classes, noise and the features the model sees
        self.shape = _combo(DATA_SHAPES)
        self.register("data.shape", self.add_row(self.shape), self.shape)
        self.classes = _spin(2, MAX_CLASSES)
        self.register("data.classes", self.add_row(self.classes), self.classes)
        self.noise_2d = _line()
        self.register("data.noise", self.add_row(self.noise_2d), self.noise_2d)
        self.features = {name: QCheckBox(label) for name, (label, _) in FEATURES.items()}
        boxes = list(self.features.values())
        feature_rows = QVBoxLayout()
        feature_rows.setContentsMargins(0, 0, 0, 0)
        for first in range(0, len(boxes), 4):
            feature_rows.addLayout(row_of(*boxes[first:first + 4]))
        features_cell = self.add_row(feature_rows)
        self.register("data.features", features_cell, boxes[0])
        for box in boxes[1:]:
            self.watch(box)
        self.test_fraction = _line()
        self.register("data.test_fraction", self.add_row(self.test_fraction), self.test_fraction)

        self.csv_path = _line()
        self.browse = QPushButton()
        self.browse.clicked.connect(self._choose_csv)
        csv_cell = self.add_row(row_of(self.csv_path, self.browse))
        self.csv_path.editingFinished.connect(self._load_columns)  # before register(): columns first, then validation
        self.register("data.csv_path", csv_cell, self.csv_path)
        # a path typed key by key is checked once typing pauses, not at each key
        self.csv_path.textEdited.disconnect(self._on_edited)
        self._csv_typing = QTimer(self, singleShot=True, interval=CSV_TYPING_PAUSE_MS)
        self._csv_typing.timeout.connect(self._on_edited)
        self.csv_path.textEdited.connect(self._csv_typing.start)
        self.x_column, self.y_column = QComboBox(), QComboBox()
        self.register("data.x_column", self.add_row(self.x_column), self.x_column)
        self.register("data.y_column", self.add_row(self.y_column), self.y_column)

        self.batch_size = _spin(1, 10_000_000)
        self.register("data.batch_size", self.add_row(self.batch_size), self.batch_size)
        self.form.addRow(self.form_message)
        self.retranslate_ui()
        self.load(DataConfig())

    def retranslate_ui(self) -> None:
        _translate_combo(self.source, DATA_SOURCES)
        self.set_row_texts(self.source, self.tr("Source"), self.tr("Generate points or load them."))
        self.set_row_texts(self.truth, self.tr("True function"),
                           self.tr("y = f(x) before noise is added.") + " " + expression_help())
        self.truth.setPlaceholderText(self.tr("e.g. {0}").format("2*x + 3"))
        self.set_row_texts(self.noise, self.tr("Noise σ"),
                           self.tr("Standard deviation of the Gaussian noise added to each y."))
        self.set_row_texts(self.x_min, self.tr("x range"), self.tr("Points are spread evenly over this interval."))
        self.x_to.setText(self.tr("to", "between the two ends of the x range"))
        self.set_row_texts(self.n_points, self.tr("Points"), self.tr("How many (x, y) points to generate."))
        self.set_row_texts(self.seed, self.tr("Noise seed"), self.tr("Same seed, same points."))
        _translate_combo(self.shape, DATA_SHAPES, "config")
        self.set_row_texts(self.shape, self.tr("Data set"), self.tr("Points in the plane, as TensorFlow Playground's."))
        self.set_row_texts(self.classes, self.tr("Classes"), self.tr("Spiral arms or gaussian clusters: 2 is binary "
                                                                     "classification, more is multi-class."))
        self.set_row_texts(self.noise_2d, self.tr("Noise"), self.tr("From 0 to 0.5: how far labels and points stray."))
        self.set_row_texts(self.features[next(iter(self.features))], self.tr("Features"),
                           self.tr("The inputs the model sees, computed from each point (x₁, x₂)."))
        self.set_row_texts(self.test_fraction, self.tr("Test fraction"),
                           self.tr("Share of the points held out (seeded) to measure test loss and accuracy."))
        self.csv_path.setPlaceholderText(self.tr("choose a file…"))
        self.browse.setText(self.tr("Browse…"))
        self.set_row_texts(self.csv_path, self.tr("CSV file"), self.tr("A CSV file with a header row and numeric columns."))
        self.set_row_texts(self.x_column, self.tr("x column"), self.tr("The input column."))
        self.set_row_texts(self.y_column, self.tr("y column"), self.tr("The target column."))
        self.set_row_texts(self.batch_size, self.tr("Batch size"), self.tr("Points per training step, drawn at random."))

    def update_visibility(self) -> None:
        source = self.source.currentData()
        generated, shapes = source == "generated", source == "shapes"
        for widget in (self.truth, self.noise, self.x_min):
            self.form.setRowVisible(self.cell_of(widget), generated)
        for widget in (self.n_points, self.seed):
            self.form.setRowVisible(self.cell_of(widget), generated or shapes)
        for widget in (self.shape, self.noise_2d, self.features["x1"]):
            self.form.setRowVisible(self.cell_of(widget), shapes)
        spec = _DATA_SHAPES.get(self.shape.currentData())
        self.form.setRowVisible(self.cell_of(self.classes), shapes and spec is not None and spec.any_classes)
        for widget in (self.csv_path, self.x_column, self.y_column):
            self.form.setRowVisible(self.cell_of(widget), source == "csv")

    def load(self, config: DataConfig) -> None:
        with self.loading():
            _set_combo(self.source, config.source)
            self.truth.setText(config.truth)
            self.noise.setText(float_text(config.noise_std))
            self.x_min.setText(float_text(config.x_min))
            self.x_max.setText(float_text(config.x_max))
            self.n_points.setValue(config.n_points)
            self.seed.setValue(config.seed)
            self.batch_size.setValue(config.batch_size)
            self.csv_path.setText(config.csv_path)
            self._load_columns(select=(config.x_column, config.y_column))
            _set_combo(self.shape, config.shape)
            self.classes.setValue(config.classes)
            self.noise_2d.setText(float_text(config.noise))
            for name, box in self.features.items():
                box.setChecked(name in config.features)
            self.test_fraction.setText(float_text(config.test_fraction))
        self.update_visibility()

    def _choose_csv(self) -> None:
        start = str(Path(self.csv_path.text()).parent) if self.csv_path.text() else ""
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open data"), start,
                                              self.tr("CSV files (*.csv);;All files (*)"))
        if path:
            self.csv_path.setText(path)
            self._load_columns()
            self._on_edited_and_committed()

    def _load_columns(self, select: tuple[str, str] | None = None) -> None:
        """Fill the column choices from the CSV header, keeping the chosen columns if still there."""
        keep = select or (self.x_column.currentText(), self.y_column.currentText())
        names: list[str] = []
        path = self.csv_path.text().strip()
        if path:
            try:   # as the engine reads it: `;` and tabs too, and never a FIFO or a device
                names = csv_columns(path)
            except ConfigError:
                names = []  # the config validation names the problem at the field
        with self.loading():
            for combo, wanted, default in ((self.x_column, keep[0], 0), (self.y_column, keep[1], 1)):
                combo.clear()
                combo.addItems([name.strip() for name in names])
                index = combo.findText(wanted) if wanted else -1
                combo.setCurrentIndex(index if index >= 0 else min(default, combo.count() - 1))

    def read(self, errors: list[FieldError]) -> DataConfig:
        generated = self.source.currentData() == "generated"
        # Errors in fields the chosen source does not use are not the user's problem now.
        local: list[FieldError] = []
        config = DataConfig(
            source=self.source.currentData(),
            truth=self.truth.text(),
            noise_std=self.read_float(self.noise, "data.noise_std", local, DataConfig.noise_std),
            x_min=self.read_float(self.x_min, "data.x_min", local, DataConfig.x_min),
            x_max=self.read_float(self.x_max, "data.x_max", local, DataConfig.x_max),
            n_points=self.n_points.value(),
            seed=self.seed.value(),
            batch_size=self.batch_size.value(),
            csv_path=self.csv_path.text().strip(),
            x_column=self.x_column.currentText(),
            y_column=self.y_column.currentText(),
            shape=self.shape.currentData(),
            classes=self.classes.value(),
            features=tuple(name for name, box in self.features.items() if box.isChecked()),
        )
        shape_errors: list[FieldError] = []
        config.noise = self.read_float(self.noise_2d, "data.noise", shape_errors, DataConfig.noise)
        config.test_fraction = self.read_float(self.test_fraction, "data.test_fraction", errors, DataConfig.test_fraction)
        if generated:
            errors.extend(local)
        if config.source == "shapes":
            errors.extend(shape_errors)
        return config


class TrainingEditor(ConfigForm):
    """Optimizer, learning rate, step count, loss and seed."""

    section = "training"

    def __init__(self) -> None:
        super().__init__()
        self.optimizer = _combo(OPTIMIZERS)
        self.register("training.optimizer", self.add_row(self.optimizer), self.optimizer)
        self.lr = _line()
        self.lr.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.register("training.lr", self.add_row(self.lr), self.lr)
        self.momentum = _line()
        self.momentum.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.register("training.momentum", self.add_row(self.momentum), self.momentum)
        self.steps = _spin(1, MAX_STEPS)
        self.steps.setGroupSeparatorShown(True)
        self.until_stopped = QCheckBox()
        self.until_stopped.toggled.connect(lambda on: self.steps.setEnabled(not on))
        steps_cell = self.add_row(row_of(self.steps, self.until_stopped))
        self.register("training.steps", steps_cell, self.steps)
        self.watch(self.until_stopped)
        self.loss = _combo(LOSSES)
        self.register("training.loss", self.add_row(self.loss), self.loss)
        self.regularization = _combo(REGULARIZATIONS)
        self.regularization_rate = _line()
        self.regularization_rate.setAlignment(Qt.AlignmentFlag.AlignRight)
        regularization_cell = self.add_row(row_of(self.regularization, self.regularization_rate))
        self.register("training.regularization", regularization_cell, self.regularization)
        self.register("training.regularization_rate", regularization_cell, self.regularization_rate)
        self.seed = _spin(0, MAX_SEED)
        self.register("training.seed", self.add_row(self.seed), self.seed)
        self.engine = _combo(ENGINES)
        self.engine_note = QLabel()  # why the step runs eagerly, when it falls back
        self.engine_note.setWordWrap(True)
        engine_column = QVBoxLayout()
        engine_column.setContentsMargins(0, 0, 0, 0)
        engine_column.addWidget(self.engine)
        engine_column.addWidget(self.engine_note)
        self.engine_note.hide()
        self._engine_cell = self.add_row(engine_column)
        self.form.addRow(self.form_message)
        self.retranslate_ui()
        self.load(TrainingConfig())

    def retranslate_ui(self) -> None:
        _translate_combo(self.optimizer, OPTIMIZERS)
        self.set_row_texts(self.optimizer, self.tr("Optimizer"),
                           self.tr("How each step turns gradients into parameter updates."))
        self.set_row_texts(self.lr, self.tr("Learning rate"),
                           self.tr("Step size. Can be changed while training runs: it applies at the next step."))
        self.lr.setPlaceholderText(self.tr("e.g. {0}").format("0.02"))
        self.set_row_texts(self.momentum, self.tr("Momentum"),
                           self.tr("Fraction of the previous update carried into the next (SGD with momentum)."))
        self.until_stopped.setText(self.tr("until stopped"))
        self.set_row_texts(self.steps, self.tr("Steps"),
                           self.tr("How many training steps a run takes; can be raised while it runs."))
        _translate_combo(self.loss, LOSSES)
        self.set_row_texts(self.loss, self.tr("Loss"),
                           self.tr("Mean of squared errors, or half their sum as in many tutorials; cross-entropy "
                                   "on the model's logits for classes."))
        _translate_combo(self.regularization, REGULARIZATIONS)
        self.set_row_texts(self.regularization, self.tr("Regularization"),
                           self.tr("Adds rate·Σ|w| (L1) or rate·Σw² (L2) over the weights to the loss, as "
                                   "Playground does; the field beside it is the rate."))
        self.regularization_rate.setPlaceholderText(self.tr("rate"))
        self.set_row_texts(self.seed, self.tr("Seed"),
                           self.tr("Seeds initial parameters and batch order: same seed, same run."))
        _translate_combo(self.engine, ENGINES)
        caption, tip = self._caption_of[self._engine_cell], (
                           self.tr("compiled: each training step runs as one numba function once compiled "
                                   "(compiling takes a few seconds the first time; training runs eagerly "
                                   "meanwhile). eager: step by step in Python. Step and the Graph tab are "
                                   "always eager."))
        caption.setText(self.tr("Engine"))
        caption.setToolTip(tip)
        self._engine_cell.setToolTip(tip)

    def engine_kind(self) -> str:
        """"compiled" or "eager": how the next run trains."""
        return self.engine.currentData()

    def show_engine(self, message: str) -> None:
        """What the compiled engine is doing, or why the step runs eagerly ("" hides it)."""
        self.engine_note.setText(message)
        self.engine_note.setVisible(bool(message))

    def update_visibility(self) -> None:
        self.momentum.setEnabled(self.optimizer.currentData() == "momentum")
        self.regularization_rate.setEnabled(self.regularization.currentData() != "none")

    def load(self, config: TrainingConfig) -> None:
        with self.loading():
            _set_combo(self.optimizer, config.optimizer)
            self.lr.setText(float_text(config.lr))
            self.momentum.setText(float_text(config.momentum))
            self.until_stopped.setChecked(config.steps is None)
            if config.steps is not None:
                self.steps.setValue(config.steps)
            _set_combo(self.loss, config.loss)
            _set_combo(self.regularization, config.regularization)
            self.regularization_rate.setText(float_text(config.regularization_rate))
            self.seed.setValue(config.seed)
        self.update_visibility()

    def read(self, errors: list[FieldError]) -> TrainingConfig:
        optimizer = self.optimizer.currentData()
        momentum_errors: list[FieldError] = []
        config = TrainingConfig(
            optimizer=optimizer,
            lr=self.read_float(self.lr, "training.lr", errors, TrainingConfig.lr),
            momentum=self.read_float(self.momentum, "training.momentum", momentum_errors, TrainingConfig.momentum),
            steps=None if self.until_stopped.isChecked() else self.steps.value(),
            loss=self.loss.currentData(),
            seed=self.seed.value(),
            regularization=self.regularization.currentData(),
        )
        config.regularization_rate = self.read_float(self.regularization_rate, "training.regularization_rate",
                                                     momentum_errors if config.regularization == "none" else errors,
                                                     TrainingConfig.regularization_rate)
        if optimizer == "momentum":
            errors.extend(momentum_errors)
        return config

    def fit_loss_to(self, data: DataConfig) -> None:
        """Choose a loss that suits the data's problem when the chosen one does not (a new data set)."""
        losses = PROBLEM_LOSSES[problem_of(data)]
        if self.loss.currentData() not in losses:
            _set_combo(self.loss, losses[0])

    def read_lr(self) -> float | None:
        """The learning rate typed, or None while it is not a usable one."""
        errors: list[FieldError] = []
        lr = self.read_float(self.lr, "training.lr", errors, 0.0)
        return lr if not errors and lr > 0 else None


def read_session(model: ModelEditor, data: DataEditor, training: TrainingEditor,
                 name: str) -> tuple[SessionConfig, list[FieldError]]:
    """The config the forms describe and every problem with it (empty when it can be trained)."""
    errors: list[FieldError] = []
    config = SessionConfig(model=model.read(errors), data=data.read(errors), training=training.read(errors), name=name)
    bad_fields = {error.field for error in errors}
    for error in validate(config):
        # A field that could not even be read was given a fallback value: skip what
        # validation says about the fallback, the reading error is the real problem.
        if error.field not in bad_fields:
            errors.append(FieldError.from_config_error(error))
    return config, errors


def show_session_errors(errors: list[FieldError], *forms: ConfigForm) -> None:
    for form in forms:
        form.show_errors([e for e in errors if e.field.split(".", 1)[0] == form.section])
