"""The scratchpad runs tutorial snippets with `torch` as the engine, captures what they print,
reports errors with their line, stops runaway loops and hands backward() to the debugger."""
import threading
import time

import engine
from engine.session.debugger import BackwardDebugger
from engine.session.scratchpad import Scratchpad, intercept_backward

TUTORIAL = """\
import torch
import torch.nn as nn
from torch import optim

x = torch.tensor(2.0, requires_grad=True)
y = x**2 + 3*x + 1
y.backward()
print(x.grad)
print(torch.ones(2, 2, requires_grad=True) + 2)
model = nn.Linear(3, 1)
print(model)
"""


def test_a_tutorial_snippet_runs_and_its_prints_are_captured():
    printed = []
    result = Scratchpad().run(TUTORIAL, on_output=printed.append)
    assert result.error is None
    assert result.output == ("tensor(7.)\n"
                             "tensor([[3., 3.],\n        [3., 3.]], grad_fn=<AddBackward0>)\n"
                             "Linear(in_features=3, out_features=1, bias=True)\n")
    assert "".join(printed) == result.output
    assert sorted(result.tensors()) == ["x", "y"]


def test_a_runtime_error_reports_its_message_and_line():
    code = "import torch\nx = torch.ones(3)\n\ny = x * z\n"
    error = Scratchpad().run(code).error
    assert error.message == "NameError: name 'z' is not defined"
    assert error.line == 4
    assert error.traceback.splitlines()[-2:] == ["    y = x * z", "NameError: name 'z' is not defined"]


def test_a_syntax_error_reports_its_line_and_runs_nothing():
    result = Scratchpad().run("print('ran')\nx = (1 +\n")
    assert result.error.message.startswith("SyntaxError") and result.error.line == 2
    assert result.output == ""


def test_pytorchs_own_errors_and_warnings_reach_the_output():
    code = ("import torch\nx = torch.ones(3, requires_grad=True)\ny = x * 2\nprint(y.grad)\n"
            "y.backward()\n")
    result = Scratchpad().run(code)
    assert result.output.startswith("UserWarning: The .grad attribute of a Tensor that is not a leaf")
    assert result.output.endswith("None\n")
    assert result.error.message == "RuntimeError: grad can be implicitly created only for scalar outputs"
    assert result.error.line == 5


def test_stop_ends_an_endless_loop():
    pad = Scratchpad()
    timer = threading.Timer(0.2, pad.stop)
    timer.start()
    started = time.perf_counter()
    result = pad.run("n = 0\nwhile True:\n    try:\n        n += 1\n    except Exception:\n        pass\n")
    assert result.stopped and result.error is None
    assert time.perf_counter() - started < 2.0
    assert result.namespace["n"] > 0


def test_stop_pressed_before_the_program_starts_still_stops_it():
    pad = Scratchpad()
    pad.stop()
    result = pad.run("while True:\n    pass\n")
    assert result.stopped
    assert pad.run("print('next run')\n").output == "next run\n"


def test_debug_backward_hands_the_root_to_the_debugger_and_the_program_goes_on_after_the_walk():
    walks = []

    def debug(request):
        debugger = BackwardDebugger()
        debugger.start(request.tensors, request.grad_tensors, request.retain_graph, request.create_graph,
                       request.inputs)
        debugger.continue_()
        walks.append((request.line, debugger.execution_order))
        request.finish(debugger.exception)

    code = ("import torch\nx = torch.tensor(2.0, requires_grad=True)\ny = x**2 + 3*x + 1\n"
            "y.backward()\nprint(x.grad)\ny.backward()\n")
    result = Scratchpad().run(code, on_backward=debug)
    assert walks[0] == (4, ["AddBackward0", "AddBackward0", "MulBackward0", "PowBackward0", "AccumulateGrad"])
    assert result.output == "tensor(7.)\n"
    assert result.error.line == 6 and "backward through the graph a second time" in result.error.message
    assert engine.autograd.backward.__module__ == "engine.autograd"   # restored after the run


def test_stop_releases_a_program_waiting_for_the_debugger():
    pad = Scratchpad()
    requests = []
    code = "import torch\nx = torch.tensor(1.0, requires_grad=True)\n(x * 2).backward()\nprint('after')\n"
    threading.Timer(0.2, pad.stop).start()
    result = pad.run(code, on_backward=requests.append)   # nobody finishes the walk
    assert result.stopped and "after" not in result.output and len(requests) == 1


def test_backward_on_other_threads_is_not_intercepted():
    seen = []
    x = engine.tensor(3.0, requires_grad=True)
    with intercept_backward(seen.append):
        worker = threading.Thread(target=lambda: (x * x).backward())
        worker.start()
        worker.join()
    assert seen == [] and x.grad.item() == 6.0
