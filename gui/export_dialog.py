"""File → Export…: one dialog choosing what to write into a folder — weights, plots (PNG size/DPI, SVG),
history CSV, session file and README (all of them together make a run folder)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engine.session.export import DTYPES, WEIGHT_FORMATS
from gui.i18n import Retranslatable

# English names, translated where shown: plot_label(name).
PLOT_CHOICES = {"loss": QT_TRANSLATE_NOOP("ExportDialog", "Loss"), "fit": QT_TRANSLATE_NOOP("ExportDialog", "Fit"),
                "parameters": QT_TRANSLATE_NOOP("ExportDialog", "Parameters"),
                "gradient_norms": QT_TRANSLATE_NOOP("ExportDialog", "Gradient norms"),
                "window": QT_TRANSLATE_NOOP("ExportDialog", "Whole window")}
WEIGHT_FORMAT_LABELS = {"safetensors": QT_TRANSLATE_NOOP("ExportDialog", "safetensors (PyTorch, default)"),
                        "npz": "NumPy .npz", "json": "JSON"}


def plot_label(name: str) -> str:
    """The shown name of a PLOT_CHOICES entry, in the interface's language."""
    return QCoreApplication.translate("ExportDialog", PLOT_CHOICES[name])


@dataclass
class ExportOptions:
    """What to export and how; `plots` names keys of PLOT_CHOICES."""

    folder: Path
    weights: bool = True
    weights_format: str = "safetensors"
    dtype: str = "float32"
    plots: list[str] = field(default_factory=lambda: list(PLOT_CHOICES))
    png: bool = True
    svg: bool = True
    png_size: tuple[int, int] = (1200, 800)
    dpi: int = 96
    history: bool = True
    session: bool = True
    readme: bool = True

    def formats(self) -> list[str]:
        return [fmt for fmt, on in (("png", self.png), ("svg", self.svg)) if on]

    def is_run_folder(self) -> bool:
        return self.weights and self.history and self.session and self.readme


def _spin(low: int, high: int, value: int, suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setSuffix(suffix)
    spin.setGroupSeparatorShown(True)
    return spin


class ExportDialog(Retranslatable, QDialog):
    """Choices are remembered between exports (QSettings); the folder defaults to a fresh one per session."""

    def __init__(self, parent: QWidget | None, settings: QSettings, default_folder: Path) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setMinimumWidth(520)

        self.folder = QLineEdit(str(default_folder))
        self.browse = browse = QPushButton()
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)

        self.weights = QGroupBox()
        self.weights.setCheckable(True)
        self.weights_format = QComboBox()
        for fmt in WEIGHT_FORMATS:
            self.weights_format.addItem("", fmt)
        self.dtype = QComboBox()
        for dtype in DTYPES:
            self.dtype.addItem(dtype, dtype)
        self.format_label, self.dtype_label = QLabel(), QLabel()
        weights_form = QFormLayout(self.weights)
        weights_form.addRow(self.format_label, self.weights_format)
        weights_form.addRow(self.dtype_label, self.dtype)

        self.plots = QGroupBox()
        self.plots.setCheckable(True)
        self.plot_checks = {name: QCheckBox() for name in PLOT_CHOICES}
        which = QHBoxLayout()
        for check in self.plot_checks.values():
            which.addWidget(check)
        which.addStretch(1)
        self.png = QCheckBox()
        self.png_width, self.png_height = _spin(16, 20_000, 1200, " px"), _spin(16, 20_000, 800, " px")
        self.dpi = _spin(24, 1200, 96, " dpi")
        png_row = QHBoxLayout()
        png_row.addWidget(self.png)
        png_row.addWidget(self.png_width)
        png_row.addWidget(QLabel("×"))
        png_row.addWidget(self.png_height)
        png_row.addWidget(self.dpi)
        png_row.addStretch(1)
        self.svg = QCheckBox()
        plots_layout = QVBoxLayout(self.plots)
        plots_layout.addLayout(which)
        plots_layout.addLayout(png_row)
        plots_layout.addWidget(self.svg)

        self.history, self.session, self.readme = QCheckBox(), QCheckBox(), QCheckBox()
        self.run_folder = QPushButton()
        self.run_folder.clicked.connect(self.check_everything)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.folder_label = QLabel()
        form.addRow(self.folder_label, folder_row)
        layout.addLayout(form)
        layout.addWidget(self.weights)
        layout.addWidget(self.plots)
        for widget in (self.history, self.session, self.readme):
            layout.addWidget(widget)
        bottom = QHBoxLayout()
        bottom.addWidget(self.run_folder)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)

        for signal in (self.weights.toggled, self.plots.toggled, self.png.toggled, self.svg.toggled,
                       self.history.toggled, self.session.toggled, self.readme.toggled, self.folder.textChanged,
                       *(check.toggled for check in self.plot_checks.values())):
            signal.connect(self._update_buttons)
        self.retranslate_ui()
        self._restore(ExportOptions(default_folder))

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Export"))
        self.folder_label.setText(self.tr("Folder"))
        self.folder.setToolTip(self.tr("Files of the same name in this folder are replaced; the folder is made if "
                                       "needed."))
        self.browse.setText(self.tr("Browse…"))
        self.weights.setTitle(self.tr("Weights"))
        for index, fmt in enumerate(WEIGHT_FORMATS):
            self.weights_format.setItemText(index, self.tr(WEIGHT_FORMAT_LABELS[fmt]))
        self.format_label.setText(self.tr("Format"))
        self.dtype_label.setText(self.tr("Type"))
        self.plots.setTitle(self.tr("Plots"))
        for name, check in self.plot_checks.items():
            check.setText(plot_label(name))
        self.dpi.setToolTip(self.tr("96 dpi draws the plots at screen scale; 192 dpi draws the same layout twice "
                                    "as fine."))
        self.png.setText(self.tr("PNG"))
        self.svg.setText(self.tr("SVG (vector: curves stay sharp at any zoom)"))
        self.history.setText(self.tr("Loss and parameter history (history.csv)"))
        self.session.setText(self.tr("Session file (session.json: reopens this run where it stopped)"))
        self.readme.setText(self.tr("README.md of the settings and the files"))
        self.run_folder.setText(self.tr("Everything: a run folder"))
        self.run_folder.setToolTip(self.tr("Check every item"))
        self.export_button.setText(self.tr("Export"))

    def check_everything(self) -> None:
        for box in (self.weights, self.plots, self.png, self.svg, self.history, self.session, self.readme,
                    *self.plot_checks.values()):
            box.setChecked(True)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export into folder"), self.folder.text())
        if folder:
            self.folder.setText(folder)

    def _update_buttons(self) -> None:
        options = self.options()
        plots = options.plots and options.formats()
        anything = options.weights or plots or options.history or options.session or options.readme
        self.export_button.setEnabled(bool(anything) and bool(self.folder.text().strip()))
        for widget in (self.png_width, self.png_height, self.dpi):
            widget.setEnabled(self.png.isChecked())

    def options(self) -> ExportOptions:
        plots = [name for name, check in self.plot_checks.items() if check.isChecked()] if self.plots.isChecked() else []
        return ExportOptions(
            folder=Path(self.folder.text().strip()).expanduser(),
            weights=self.weights.isChecked(), weights_format=self.weights_format.currentData(),
            dtype=self.dtype.currentData(), plots=plots, png=self.png.isChecked(), svg=self.svg.isChecked(),
            png_size=(self.png_width.value(), self.png_height.value()), dpi=self.dpi.value(),
            history=self.history.isChecked(), session=self.session.isChecked(), readme=self.readme.isChecked())

    def set_options(self, options: ExportOptions) -> None:
        self.folder.setText(str(options.folder))
        self.weights.setChecked(options.weights)
        self.weights_format.setCurrentIndex(max(self.weights_format.findData(options.weights_format), 0))
        self.dtype.setCurrentIndex(max(self.dtype.findData(options.dtype), 0))
        self.plots.setChecked(bool(options.plots))
        for name, check in self.plot_checks.items():
            check.setChecked(name in options.plots or not options.plots)
        self.png.setChecked(options.png)
        self.svg.setChecked(options.svg)
        self.png_width.setValue(options.png_size[0])
        self.png_height.setValue(options.png_size[1])
        self.dpi.setValue(options.dpi)
        self.history.setChecked(options.history)
        self.session.setChecked(options.session)
        self.readme.setChecked(options.readme)
        self._update_buttons()

    # ----- remembered choices ---------------------------------------------------------------

    def _restore(self, defaults: ExportOptions) -> None:
        s = self.settings

        def flag(key: str, default: bool) -> bool:
            value = s.value(f"export/{key}", default)
            return value if isinstance(value, bool) else str(value).lower() == "true"

        def number(key: str, default: int) -> int:
            try:
                return int(s.value(f"export/{key}", default))
            except (TypeError, ValueError):
                return default

        plots = s.value("export/plots", None)
        plots = [plots] if isinstance(plots, str) else plots
        self.set_options(ExportOptions(
            folder=defaults.folder,
            weights=flag("weights", defaults.weights),
            weights_format=str(s.value("export/weights_format", defaults.weights_format)),
            dtype=str(s.value("export/dtype", defaults.dtype)),
            plots=[name for name in plots if name in PLOT_CHOICES] if plots is not None else defaults.plots,
            png=flag("png", defaults.png), svg=flag("svg", defaults.svg),
            png_size=(number("png_width", defaults.png_size[0]), number("png_height", defaults.png_size[1])),
            dpi=number("dpi", defaults.dpi),
            history=flag("history", defaults.history), session=flag("session", defaults.session),
            readme=flag("readme", defaults.readme)))

    def remember(self) -> None:
        options = self.options()
        values = {"weights": options.weights, "weights_format": options.weights_format, "dtype": options.dtype,
                  "plots": options.plots, "png": options.png, "svg": options.svg, "png_width": options.png_size[0],
                  "png_height": options.png_size[1], "dpi": options.dpi, "history": options.history,
                  "session": options.session, "readme": options.readme, "last_folder": str(options.folder)}
        for key, value in values.items():
            self.settings.setValue(f"export/{key}", value)
        self.settings.sync()

    def accept(self) -> None:
        self.remember()
        super().accept()


def ask_export_options(parent: QWidget | None, settings: QSettings, default_folder: Path) -> ExportOptions | None:
    """Show the dialog; the chosen options, or None when cancelled (tests replace this)."""
    dialog = ExportDialog(parent, settings, default_folder)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    return dialog.options() if dialog.exec() == QDialog.DialogCode.Accepted else None
