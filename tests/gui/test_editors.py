"""The Model, Data and Training forms: config -> widgets -> config, the fields each choice shows, and field errors."""

from __future__ import annotations

from dataclasses import replace

from engine.session import DataConfig, ModelConfig, SessionConfig, TrainingConfig

from gui.editors import DataEditor, ModelEditor, TrainingEditor, read_session
from gui.examples import examples
from tests.gui.helpers import type_into


def editors(qtbot):
    forms = ModelEditor(), DataEditor(), TrainingEditor()
    for form in forms:
        qtbot.addWidget(form)
        form.show()
    return forms


def visible_rows(form) -> set[str]:
    return {path for path, (cell, _) in form._fields.items() if cell.isVisible()}


def test_every_example_round_trips_through_the_forms(qtbot):
    model, data, training = editors(qtbot)
    for example in examples():
        model.load(example.model)
        data.load(example.data)
        training.load(example.training)
        config, errors = read_session(model, data, training, example.name)
        assert errors == []
        assert config == example


def test_model_kind_shows_the_fields_of_that_kind(qtbot):
    model, _, _ = editors(qtbot)
    expected = {
        "linear": set(),
        "polynomial": {"model.degree"},
        "mlp": {"model.hidden", "model.activation"},
        "expression": {"model.expression", "model.initial"},
    }
    for kind, fields in expected.items():
        model.kind.setCurrentIndex(model.kind.findData(kind))
        assert visible_rows(model) - {"model.kind"} == fields, kind


def test_expression_parameters_get_rows_and_typed_values_survive_edits(qtbot):
    model, _, _ = editors(qtbot)
    model.load(ModelConfig(kind="expression", expression="a * sin(w * x) + c", initial={"w": 2.0}))
    assert list(model._typed_initial_texts()) == ["a", "w", "c"]
    model.initial.item(0, 1).setText("1.5")  # a
    type_into(qtbot, model.expression, "a * sin(w * x) + c + d * x")
    texts = model._typed_initial_texts()
    assert texts == {"a": "1.5", "w": "2", "c": "", "d": ""}
    errors = []
    assert model.read(errors).initial == {"a": 1.5, "w": 2.0}
    type_into(qtbot, model.expression, "a * sin(", commit=False)  # mid-edit: an unparsable text keeps the rows
    assert list(model._typed_initial_texts()) == ["a", "si"]  # from "a * si", the last text that parsed
    type_into(qtbot, model.expression, "a * sin(w * x) + c")
    assert model._typed_initial_texts() == {"a": "1.5", "w": "2", "c": ""}


def test_hidden_sizes_that_are_not_numbers_are_an_error_only_for_an_mlp(qtbot):
    model, _, _ = editors(qtbot)
    model.hidden.setText("16, x")
    errors = []
    model.read(errors)
    assert errors == []
    model.kind.setCurrentIndex(model.kind.findData("mlp"))
    model.read(errors)
    assert [e.field for e in errors] == ["model.hidden"]


def test_csv_source_offers_the_columns_of_the_file(qtbot, tmp_path):
    _, data, _ = editors(qtbot)
    path = tmp_path / "points.csv"
    path.write_text("time, height, weight\n1, 2, 3\n4, 5, 6\n")
    data.load(DataConfig(source="csv", csv_path=str(path), x_column="height", y_column="weight"))
    assert visible_rows(data) == {"data.source", "data.csv_path", "data.x_column", "data.y_column", "data.batch_size",
                                  "data.test_fraction"}
    assert [data.x_column.itemText(i) for i in range(data.x_column.count())] == ["time", "height", "weight"]
    assert (data.x_column.currentText(), data.y_column.currentText()) == ("height", "weight")
    errors = []
    config = data.read(errors)
    assert (config.source, config.x_column, config.y_column) == ("csv", "height", "weight")


def test_errors_land_on_their_field_and_clear_when_fixed(qtbot):
    model, data, training = editors(qtbot)
    data.x_min.setText("5")
    data.x_max.setText("1")
    training.lr.setText("-1")
    config, errors = read_session(model, data, training, "t")
    fields = {e.field for e in errors}
    assert "training.lr" in fields and ({"data.x_min", "data.x_max"} & fields)
    for form in (model, data, training):
        form.show_errors([e for e in errors if e.field.startswith(form.section)])
    assert training.errors_for("training.lr")
    assert training.lr.property("invalid") is True
    training.lr.setText("0.1")
    data.x_min.setText("0")
    config, errors = read_session(model, data, training, "t")
    assert errors == []
    training.show_errors([])
    assert training.errors_for("training.lr") == [] and training.lr.property("invalid") is False


def test_learning_rate_accepts_scientific_notation(qtbot):
    _, _, training = editors(qtbot)
    training.lr.setText("1e-3")
    assert training.read_lr() == 0.001
    training.lr.setText("fast")
    assert training.read_lr() is None


def test_until_stopped_means_no_step_limit(qtbot):
    _, _, training = editors(qtbot)
    training.load(replace(TrainingConfig(), steps=None))
    assert training.until_stopped.isChecked() and not training.steps.isEnabled()
    assert training.read([]).steps is None


def test_default_forms_describe_the_default_session(qtbot):
    model, data, training = editors(qtbot)
    config, errors = read_session(model, data, training, "Linear regression")
    assert errors == [] and config == SessionConfig(ModelConfig(), DataConfig(), TrainingConfig(), "Linear regression")


def test_the_column_picker_reads_semicolons_and_tabs_as_the_engine_does(qtbot, tmp_path):
    _, data, _ = editors(qtbot)
    for name, text in (("semi.csv", "time;height;weight\n1;2;3\n4;5;6\n"), ("tabs.tsv", "time\theight\tweight\n1\t2\t3\n")):
        path = tmp_path / name
        path.write_text(text)
        data.load(DataConfig(source="csv", csv_path=str(path), x_column="height", y_column="weight"))
        assert [data.x_column.itemText(i) for i in range(data.x_column.count())] == ["time", "height", "weight"]
        assert (data.x_column.currentText(), data.y_column.currentText()) == ("height", "weight")


def test_a_fifo_as_the_csv_path_does_not_hang_the_form(qtbot, tmp_path):
    import os
    import time

    _, data, _ = editors(qtbot)
    fifo = tmp_path / "points.csv"
    os.mkfifo(fifo)
    started = time.perf_counter()
    data.load(DataConfig(source="csv", csv_path=str(fifo), x_column="x", y_column="y"))
    errors = []
    data.read(errors)
    assert time.perf_counter() - started < 1.0 and data.x_column.count() == 0


def test_typing_a_csv_path_validates_once_typing_pauses_and_the_file_is_read_once(qtbot, tmp_path, monkeypatch):
    from engine.session import data as data_module

    _, data, _ = editors(qtbot)
    path = tmp_path / "points.csv"
    path.write_text("x,y\n" + "".join(f"{i},{2 * i}\n" for i in range(1000)))
    data.load(DataConfig(source="csv", csv_path="", x_column="", y_column=""))
    reads, edits = [], []
    original = data_module._read_csv_columns
    monkeypatch.setattr(data_module, "_read_csv_columns", lambda *a: (reads.append(a), original(*a))[1])
    data.edited.connect(lambda: edits.append(1))
    data.csv_path.setFocus()
    qtbot.keyClicks(data.csv_path, str(path))
    assert edits == []                                    # nothing per key
    qtbot.waitUntil(lambda: len(edits) == 1, timeout=2000)   # once typing pauses
    data.csv_path.editingFinished.emit()                  # Enter: the columns are offered
    assert [data.x_column.itemText(i) for i in range(data.x_column.count())] == ["x", "y"]
    for _ in range(5):                                    # validations after that reuse the file read
        data_module.read_csv_columns(str(path), "x", "y")
    assert len(reads) <= 1


def test_the_choice_combos_show_the_session_tables_in_order_with_their_labels(qtbot):
    from engine.session import choices
    model, data, training = editors(qtbot)
    for combo, table in ((model.kind, choices.MODEL_KINDS), (model.activation, choices.ACTIVATIONS),
                         (data.source, choices.DATA_SOURCES), (training.optimizer, choices.OPTIMIZERS),
                         (training.loss, choices.LOSSES)):
        items = [(combo.itemData(i), combo.itemText(i)) for i in range(combo.count())]
        assert items == [(key, choice.label) for key, choice in table.items()]
