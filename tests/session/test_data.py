"""Session data: seeded generation with the asked-for noise, CSV columns with located errors, seeded minibatches."""
import numpy as np
import pytest

from engine.session.config import ConfigError, DataConfig, SessionConfig
from engine.session.validation import validate
from engine.session.data import MinibatchSampler, csv_columns, make_dataset, read_csv_columns


def test_generation_is_reproducible_from_the_seed():
    first, again = make_dataset(DataConfig(seed=7)), make_dataset(DataConfig(seed=7))
    other = make_dataset(DataConfig(seed=8))
    np.testing.assert_array_equal(first.x, again.x)
    np.testing.assert_array_equal(first.y, again.y)
    assert not np.array_equal(first.x, other.x)


def test_generated_points_follow_the_truth_with_the_asked_noise():
    config = DataConfig(truth="2*x + 3", noise_std=0.5, x_min=-1.0, x_max=4.0, n_points=200_000)
    data = make_dataset(config)
    assert data.x.shape == data.y.shape == (200_000,)
    assert data.x.min() >= -1.0 and data.x.max() < 4.0
    noise = data.y - (2 * data.x + 3)
    assert abs(noise.mean()) < 0.01
    assert noise.std() == pytest.approx(0.5, rel=0.01)
    assert data.truth.evaluate_numpy(np.array([1.0]))[0] == 5.0


def test_no_noise_gives_the_truth_exactly():
    data = make_dataset(DataConfig(truth="x**2", noise_std=0.0))
    np.testing.assert_array_equal(data.y, data.x**2)


def test_truth_that_is_undefined_on_the_data_is_an_error():
    with pytest.raises(ConfigError) as caught:
        make_dataset(DataConfig(truth="log(x)", x_min=-2.0, x_max=-1.0))
    assert caught.value.field == "data.truth" and "not a finite number" in caught.value.message


def write(tmp_path, text: str, name: str = "points.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_csv_columns_are_picked_by_name(tmp_path):
    path = write(tmp_path, "time, speed ,other\n0,1.5,x\n1,2.5,y\n\n2,3.5,z\n")
    assert csv_columns(path) == ["time", "speed", "other"]
    x, y = read_csv_columns(path, "time", "speed")
    np.testing.assert_array_equal(x, [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(y, [1.5, 2.5, 3.5])
    assert x.dtype == y.dtype == np.float64


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_csv_delimiter_is_detected(tmp_path, delimiter):
    path = write(tmp_path, f"a{delimiter}b\n1{delimiter}2\n3{delimiter}4\n")
    np.testing.assert_array_equal(read_csv_columns(path, "b", "a")[0], [2.0, 4.0])


def test_csv_with_byte_order_mark_and_quotes(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text('\ufeff"x","y"\n"1","2"\n3,4\n', encoding="utf-8")
    np.testing.assert_array_equal(read_csv_columns(str(path), "x", "y")[1], [2.0, 4.0])


CSV_ERRORS = [
    # file text, x column, y column, field, words in the message
    ("x,y\n1,2\n3,abc\n", "x", "y", "data.y_column", "line 3, column 'y': 'abc' is not a number"),
    ("x,y\n1,2\n,4\n", "x", "y", "data.x_column", "line 3, column 'x': is empty"),
    ("x,y\n1,2\n3,nan\n", "x", "y", "data.y_column", "line 3, column 'y': 'nan' is not a finite number"),
    ("x,y\n1,2\n3\n", "x", "y", "data.y_column", "line 3 has 1 values; column 'y' is missing"),
    ("x,y\n1,2\n", "x", "z", "data.y_column", "no column named 'z'; its columns are: 'x', 'y'"),
    ("x,y\n1,2\n", "x", "y", "data.csv_path", "has 1 data rows; at least 2 are needed"),
    ("", "x", "y", "data.csv_path", "is empty"),
]


@pytest.mark.parametrize("text, x_column, y_column, field, words", CSV_ERRORS)
def test_csv_errors_name_the_line_and_column(tmp_path, text, x_column, y_column, field, words):
    with pytest.raises(ConfigError) as caught:
        read_csv_columns(write(tmp_path, text), x_column, y_column)
    assert caught.value.field == field
    assert words in caught.value.message


def test_csv_file_problems(tmp_path):
    with pytest.raises(ConfigError, match="no file at"):
        read_csv_columns(str(tmp_path / "missing.csv"), "x", "y")
    with pytest.raises(ConfigError, match="is a folder"):
        read_csv_columns(str(tmp_path), "x", "y")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(ConfigError, match="not a UTF-8 text file"):
        read_csv_columns(str(binary), "x", "y")


def test_validate_checks_csv_contents_and_batch_size(tmp_path):
    path = write(tmp_path, "x,y\n1,2\n3,4\n5,6\n")
    config = SessionConfig()
    config.data.source, config.data.csv_path, config.data.x_column, config.data.y_column = "csv", path, "x", "y"
    config.data.batch_size = 3
    assert validate(config) == []
    config.data.batch_size = 4
    assert [e.field for e in validate(config)] == ["data.batch_size"]
    config.data.y_column = "q"
    assert [e.field for e in validate(config)] == ["data.y_column"]


def test_csv_dataset_has_no_truth(tmp_path):
    path = write(tmp_path, "x,y\n1,2\n3,4\n")
    dataset = make_dataset(DataConfig(source="csv", csv_path=path, x_column="x", y_column="y"))
    assert dataset.truth is None
    np.testing.assert_array_equal(dataset.x, [1.0, 3.0])


def test_minibatches_visit_every_point_once_per_epoch():
    values = np.arange(12.0).reshape(-1, 1)
    sampler = MinibatchSampler((values, values * 10), batch_size=4, seed=3)
    epochs = []
    for _ in range(3):
        batches = [sampler.next_batch() for _ in range(3)]
        assert all(x.shape == (4, 1) and np.array_equal(y, x * 10) for x, y in batches)
        epochs.append(np.concatenate([x for x, _ in batches]).ravel())
    for order in epochs:
        assert sorted(order) == list(range(12))
    assert not np.array_equal(epochs[0], epochs[1])  # reshuffled each epoch
    assert sampler.epoch == 3


def test_minibatch_order_is_reproducible_from_the_seed():
    values = np.arange(100.0)

    def first_batches(seed):
        sampler = MinibatchSampler((values,), batch_size=7, seed=seed)
        return np.concatenate([sampler.next_batch()[0] for _ in range(40)])

    np.testing.assert_array_equal(first_batches(1), first_batches(1))
    assert not np.array_equal(first_batches(1), first_batches(2))


def test_peek_shows_the_next_batch_without_taking_it():
    values = np.arange(10.0)
    sampler = MinibatchSampler((values,), batch_size=3, seed=0)
    peeked = sampler.peek_batch()[0].copy()
    np.testing.assert_array_equal(sampler.next_batch()[0], peeked)


def test_leftover_points_wait_for_a_later_epoch():
    sampler = MinibatchSampler((np.arange(10.0),), batch_size=4, seed=0)
    for _ in range(2):
        sampler.next_batch()
    assert sampler.epoch == 1
    sampler.next_batch()
    assert sampler.epoch == 2


def test_full_batch_serves_the_data_itself():
    values = np.arange(5.0)
    sampler = MinibatchSampler((values,), batch_size=5, seed=0)
    np.testing.assert_array_equal(sampler.next_batch()[0], values)
    np.testing.assert_array_equal(sampler.next_batch()[0], values)


def test_a_noise_std_of_minus_zero_is_zero_noise():
    from engine.session.config import DataConfig, SessionConfig
    from engine.session.validation import validate
    from engine.session.data import make_dataset

    config = SessionConfig(data=DataConfig(noise_std=-0.0, truth="2*x + 3"))
    assert list(validate(config)) == []
    data = make_dataset(config.data)
    np.testing.assert_allclose(data.y, 2 * data.x + 3)


def test_restoring_the_sampler_at_any_epoch_is_immediate_and_continues_the_same_batches():
    import threading

    values = np.arange(10.0)
    original = MinibatchSampler((values,), batch_size=3, seed=5)
    for _ in range(8):
        original.next_batch()
    restored = MinibatchSampler((values,), batch_size=3, seed=5)
    restored.load_state_dict(original.state_dict())
    for _ in range(7):
        np.testing.assert_array_equal(restored.next_batch()[0], original.next_batch()[0])

    far = MinibatchSampler((values,), batch_size=3, seed=5)
    loader = threading.Thread(target=far.load_state_dict, args=({"epoch": 10**18, "position": 3},), daemon=True)
    loader.start()
    loader.join(2.0)   # the old sampler replayed every epoch's shuffle: this never finished
    assert not loader.is_alive()
    batch = far.next_batch()[0]
    assert far.epoch == 10**18 and len(set(batch.tolist())) == 3 and set(batch.tolist()) <= set(values.tolist())


def _columns_or_message(path) -> str:
    try:
        return repr(csv_columns(str(path)))
    except ConfigError as error:
        return error.message


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_a_csv_path_that_is_not_a_regular_file_is_refused_at_once(tmp_path, special):
    import os
    import threading

    path = tmp_path / "data.csv"
    if special == "fifo":
        os.mkfifo(path)
    else:
        path = special
    for read in (lambda: _columns_or_message(path),
                 lambda: make_dataset(DataConfig(source="csv", csv_path=str(path), x_column="x", y_column="y"))):
        outcome = []
        worker = threading.Thread(target=lambda: outcome.append(_call(read)), daemon=True)
        worker.start()
        worker.join(5)
        assert outcome and "it is not a regular file (a pipe, device or socket)" in outcome[0]


def _call(read) -> str:
    try:
        return str(read())
    except ConfigError as error:
        return error.message


def test_a_csv_field_longer_than_128_kib_is_a_clear_error(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("x,y\n1,2\n3," + "4" * (200 * 1024) + "\n5,6\n")
    with pytest.raises(ConfigError) as raised:
        read_csv_columns(str(path), "x", "y")
    assert raised.value.message == f"{path}, line 3: a value is longer than 128 KiB; this is not a table of numbers"
    header = tmp_path / "wide-header.csv"
    header.write_text("x," + "y" * (200 * 1024) + "\n1,2\n")
    assert _columns_or_message(header) == f"{header}, line 1: a value is longer than 128 KiB; this is not a table " \
                                          f"of numbers"
