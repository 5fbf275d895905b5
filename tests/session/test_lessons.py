"""Each lesson's session file loads, its program runs headless through the scratchpad runner, and
the program (and the lesson's own computation) shows what the lesson teaches."""
import numpy as np
import pytest

from engine.session.lessons import (EXAMPLES_DIR, LESSONS, VIEWS, autograd_derivative, dice_frequencies,
                                    difference_quotients, least_squares_minimum, lesson_by_id, load_lesson,
                                    landscape_gradient, loss_landscape, optimizer_path, scratchpad_text,
                                    tangent_line)
from engine.session.scratchpad import Scratchpad
from engine.session.session_file import session_to_dict


def run_lesson(lesson_id: str) -> dict:
    session = load_lesson(lesson_by_id(lesson_id))
    result = Scratchpad().run(session.scratchpad)
    assert result.error is None, result.error
    return result.namespace


def test_there_are_twelve_lessons_each_with_a_view_and_a_file():
    assert len(LESSONS) == 12
    assert len({lesson.id for lesson in LESSONS}) == 12
    for lesson in LESSONS:
        assert lesson.view in VIEWS
        assert lesson.title and lesson.description and lesson.explanation
        assert (EXAMPLES_DIR / lesson.file_name).is_file()


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_lesson_file_is_what_the_lesson_list_would_write(lesson):
    """assets/examples is regenerated from lessons.py (python assets/examples/regenerate.py)."""
    session = load_lesson(lesson)
    assert session.config == lesson.config
    assert session.scratchpad == scratchpad_text(lesson)
    assert session.state is None
    assert session_to_dict(session.config, scratchpad=session.scratchpad)["name"] == lesson.title


@pytest.mark.parametrize("lesson", [lesson for lesson in LESSONS if lesson.program], ids=lambda lesson: lesson.id)
def test_lesson_program_runs_headless(lesson):
    run_lesson(lesson.id)


def test_autograd_basics_x_grad_is_7():
    ns = run_lesson("02-autograd-basics")
    assert ns["x"].grad.item() == 7.0
    assert ns["x"].is_leaf and not ns["y"].is_leaf
    assert type(ns["y"].grad_fn).__name__ == "AddBackward0"


def test_detach_and_data_share_storage_and_leave_grad_alone():
    ns = run_lesson("03-detach-vs-data")
    np.testing.assert_array_equal(ns["x"].detach().numpy(), [20, 2, 4, 6])
    np.testing.assert_array_equal(ns["x"].grad.numpy(), [0, 2, 4, 6])
    assert not ns["a"].requires_grad and not ns["b"].requires_grad


def test_non_leaf_gradient_is_retained():
    ns = run_lesson("04-non-leaf-gradients")
    np.testing.assert_array_equal(ns["y"].grad.numpy(), [4, 8, 12])


def test_difference_quotients_converge_to_2_and_autograd_gives_2():
    quotients = difference_quotients("3*x**2 - 4*x", 1.0)
    assert [h for h, _ in quotients] == [0.1, 0.01, 0.001, 0.0001, 0.00001]
    errors = [abs(q - 2) for _, q in quotients]
    assert errors == sorted(errors, reverse=True)
    assert abs(dict(quotients)[1e-5] - 2) < 1e-3
    assert autograd_derivative("3*x**2 - 4*x", 1.0) == 2.0
    assert tangent_line("3*x**2 - 4*x", 1.0) == (2.0, -3.0)
    assert run_lesson("05-derivative-as-limit")["x"].grad.item() == 2.0


def test_difference_quotients_take_any_f_and_x():
    (_, q), = difference_quotients("sin(x)", 0.0, steps=(1e-6,))
    assert abs(q - 1) < 1e-6
    assert autograd_derivative("x**3", 2.0) == pytest.approx(12.0)


def test_dot_product_gradient_is_4x():
    ns = run_lesson("06-dot-product-gradient")
    np.testing.assert_array_equal(ns["x"].grad.numpy(), 2 * ns["x"].detach().numpy())  # last: (x * x).sum()
    assert ns["x"].grad.shape == (4,)
    assert "x.grad: tensor([ 0.,  4.,  8., 12.])" in Scratchpad().run(
        load_lesson(lesson_by_id("06-dot-product-gradient")).scratchpad).output


def test_detached_gradient_equals_u():
    ns = run_lesson("07-detaching-a-computation")
    np.testing.assert_array_equal(ns["grad_z"].numpy(), ns["u"].numpy())
    np.testing.assert_array_equal(ns["x"].grad.numpy(), 2 * ns["x"].detach().numpy())


def test_gradient_through_control_flow_is_d_over_a():
    ns = run_lesson("08-control-flow")
    assert (ns["a"].grad == ns["d"] / ns["a"]).item()


def test_jacobian_row_by_row_and_the_sum_of_rows():
    ns = run_lesson("09-jacobian-row-by-row")
    np.testing.assert_array_equal(ns["J"].numpy(), [[4, 3], [2, 6]])
    np.testing.assert_array_equal(ns["J_functional"].numpy(), [[4, 3], [2, 6]])
    np.testing.assert_array_equal(ns["v_sum"].numpy(), [6, 9])


def test_dice_frequencies_converge_to_one_sixth():
    frequencies = dice_frequencies(groups=500, rolls_per_group=10)
    assert frequencies.shape == (500, 6)
    np.testing.assert_allclose(frequencies.sum(axis=1), 1.0)
    assert np.abs(frequencies[-1] - 1 / 6).max() < 0.03
    estimates = run_lesson("10-dice")["estimates"].numpy()
    assert estimates.shape == (500, 6) and np.abs(estimates[-1] - 1 / 6).max() < 0.03


def test_a_loaded_die_converges_to_its_probabilities():
    probs = [0.5, 0.1, 0.1, 0.1, 0.1, 0.1]
    assert np.abs(dice_frequencies(probs, groups=500)[-1] - probs).max() < 0.03
    with pytest.raises(ValueError, match="probabilities"):
        dice_frequencies([0.0, 0.0])


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_loss_landscape_path_ends_near_the_minimum(optimizer):
    landscape = loss_landscape(points=30)
    assert landscape.names == ("w", "b") and landscape.loss.shape == (30, 30)
    w_min, b_min = least_squares_minimum()
    path = optimizer_path(optimizer)
    assert path.shape == (501, 2)
    np.testing.assert_allclose(path[0], (-1.0, -2.0))
    assert np.hypot(path[-1, 0] - w_min, path[-1, 1] - b_min) < 0.1
    i, j = np.unravel_index(landscape.loss.argmin(), landscape.loss.shape)
    assert abs(landscape.first[j] - w_min) < 0.5 and abs(landscape.second[i] - b_min) < 0.5


def test_landscape_gradient_vanishes_at_the_minimum_and_points_uphill_elsewhere():
    minimum = least_squares_minimum()
    assert np.abs(landscape_gradient(minimum)).max() < 1e-3
    gradient = landscape_gradient((-1.0, -2.0))
    assert (gradient < 0).all()   # below the minimum in both w and b: the loss falls as they grow


def test_the_landscape_works_for_any_two_parameter_model():
    from engine.session import DataConfig, ModelConfig, SessionConfig, TrainingConfig
    from engine.session.lessons import initial_point, landscape_minimum, paths_window

    config = SessionConfig(model=ModelConfig(kind="expression", expression="a * x + c", initial={"a": 0.5, "c": 0.0}),
                           data=DataConfig(truth="3*x - 1", noise_std=0.1, batch_size=100),
                           training=TrainingConfig(optimizer="adam", lr=0.05, steps=None))
    start = initial_point(config)
    assert start == (0.5, 0.0)
    paths = [optimizer_path(name, config, start, steps=400) for name in ("sgd", "adam")]
    first, second = paths_window(paths)
    landscape = loss_landscape(config, first, second, points=40)
    assert landscape.names == ("a", "c")
    w, b = landscape_minimum(landscape)
    assert abs(w - 3) < 0.3 and abs(b + 1) < 0.6
    assert np.hypot(paths[1][-1, 0] - 3, paths[1][-1, 1] + 1) < 0.3
    with pytest.raises(ValueError, match="two scalar parameters"):
        loss_landscape(SessionConfig(model=ModelConfig(kind="polynomial", degree=3)))


def test_the_lessons_module_loads_no_qt():
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, engine.session.lessons\n"
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'PyQt', 'pyqtgraph'))))")
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
