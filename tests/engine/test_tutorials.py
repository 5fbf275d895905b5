"""Classic PyTorch tutorial snippets, run unchanged with `torch` bound to PyTorch and then to
the engine: what they print must be identical (object addresses aside). Snippets that draw
random numbers print seed-dependent values, so there only the printed structure is compared.
"""

from __future__ import annotations

import contextlib
import io
import re
import textwrap

import pytest

import engine

AUTOGRAD_BASICS = """
x = torch.tensor(2.0, requires_grad=True)
y = x ** 2 + 3 * x + 1
print(y)
y.backward()
print(x.grad)
x = torch.Tensor([2])
x.requires_grad_()
y = x ** 2 + 3 * x + 1
y.backward()
print(x, y, x.grad)
"""

D2L_AUTOGRAD = """
x = torch.arange(4.0)
print(x)
x.requires_grad_(True)
print(x.grad)
y = 2 * torch.dot(x, x)
print(y)
y.backward()
print(x.grad)
print(x.grad == 4 * x)
x.grad.zero_()
y = x.sum()
y.backward()
print(x.grad)
x.grad.zero_()
y = x * x
y.sum().backward()
print(x.grad)
"""

ACCUMULATION = """
x = torch.ones(2, requires_grad=True)
for _ in range(3):
    (x * 2).sum().backward()
    print(x.grad)
x.grad.zero_()
print(x.grad)
(x ** 2).sum().backward()
print(x.grad)
x.grad = None
print(x.grad)
"""

NON_SCALAR_BACKWARD = """
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
try:
    y.backward()
except RuntimeError as e:
    print("RuntimeError:", e)
y.backward(torch.tensor([1.0, 0.1, 0.01]))
print(x.grad)
try:
    y.backward(torch.ones(3))
except RuntimeError as e:
    print("second:", str(e)[:60])
z = x ** 2
z.backward(torch.ones(3))
try:
    z.backward(torch.ones(3))
except RuntimeError as e:
    print("RuntimeError:", e)
"""

DETACH = """
x = torch.arange(4.0, requires_grad=True)
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
print(x.grad == u)
print(u, u.requires_grad, u.is_leaf)
x.grad.zero_()
y.sum().backward()
print(x.grad == 2 * x)
"""

CONTROL_FLOW = """
def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c

for start in (0.3, -0.7, 5.0):
    a = torch.tensor(start, requires_grad=True)
    d = f(a)
    d.backward()
    print(d, a.grad, a.grad == d / a)
"""

JACOBIAN_ROW_BY_ROW = """
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = torch.stack([x[0] * x[1], x[1] ** 2, x.sum()])
rows = []
for i in range(3):
    v = torch.zeros(3)
    v[i] = 1.0
    if x.grad is not None:
        x.grad.zero_()
    y.backward(v, retain_graph=True)
    rows.append(x.grad.clone())
print(torch.stack(rows))
print(torch.autograd.functional.jacobian(lambda t: torch.stack([t[0] * t[1], t[1] ** 2, t.sum()]), x))
"""

LINEAR_REGRESSION = """
x = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
y = 2 * x + 3 + torch.tensor([[0.1], [-0.2], [0.05], [0.0]])
w = torch.tensor([[0.5]], requires_grad=True)
b = torch.tensor([0.0], requires_grad=True)
learning_rate = 0.01
for t in range(300):
    y_pred = x.mm(w) + b.expand_as(y)
    loss = (0.5 * (y_pred - y) ** 2).sum()
    if t % 50 == 0:
        print(t, loss)
    loss.backward()
    w.data.sub_(learning_rate * w.grad.data)
    b.data.sub_(learning_rate * b.grad.data)
    w.grad.data.zero_()
    b.grad.data.zero_()
print(w)
print(b)
print(y_pred.grad_fn, loss.grad_fn)
"""

RETAIN_GRAD_AND_HOOKS = """
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
y.retain_grad()
z = y.pow(2).sum()
h = y.register_hook(lambda g: print("hook got", g))
z.backward(retain_graph=True)
print(y.grad, x.grad, y.is_leaf, y.retains_grad)
h.remove()
h2 = y.register_hook(lambda g: g * 0)
x.grad = None
z.backward()
print(y.grad, x.grad)
print(y.grad_fn, y.grad_fn.next_functions)
"""

REQUIRES_GRAD_ = """
a = torch.randn(2, 2)
a = ((a * 3) / (a - 1))
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad)
b = (a * a).sum()
print(b.grad_fn)
"""

NO_GRAD = """
x = torch.ones(3, requires_grad=True)
print(x.requires_grad)
print((x ** 2).requires_grad)
with torch.no_grad():
    print((x ** 2).requires_grad)
y = x.detach()
print(y.requires_grad)
print(x.eq(y).all())

@torch.no_grad()
def doubled(t):
    return t * 2

print(doubled(x), torch.is_grad_enabled())
torch.set_grad_enabled(False)
print((x * 2).requires_grad)
torch.set_grad_enabled(True)
print((x * 2).requires_grad)
"""

BLITZ_AUTOGRAD = """
x = torch.ones(2, 2, requires_grad=True)
print(x)
y = x + 2
print(y)
print(y.grad_fn)
z = y * y * 3
out = z.mean()
print(z, out)
out.backward()
print(x.grad)
"""

D2L_CONTROL_FLOW = """
torch.manual_seed(0)

def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c

a = torch.randn(size=(), requires_grad=True)
d = f(a)
d.backward()
print(a.grad == d / a)
"""

BLITZ_VECTOR_JACOBIAN = """
torch.manual_seed(0)
x = torch.randn(3, requires_grad=True)
y = x * 2
while y.data.norm() < 1000:
    y = y * 2
print(y)
v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(v)
print(x.grad)
"""

NN_TRAINING = """
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(1, 1))
print(model)
with torch.no_grad():
    model[0].weight.fill_(0.5)
    model[0].bias.zero_()
x = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
y = 2 * x + 3
loss_fn = torch.nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.5)
for step in range(60):
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    if step % 20 == 0:
        print(step, loss)
print([p for p in model.parameters()])
print(loss.grad_fn, model[0].weight.grad)
"""

NN_ADAM = """
model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1), torch.nn.Sigmoid())
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        p.copy_(torch.linspace(-0.5, 0.5, p.numel()).reshape(p.shape) * (i + 1))
x = torch.tensor([[0.1, 0.2], [0.3, -0.4], [1.0, 0.5]])
y = torch.tensor([[1.0], [0.0], [1.0]])
opt = torch.optim.Adam(model.parameters(), lr=0.01)
for step in range(50):
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()
    if step % 10 == 0:
        print(step, loss)
print(list(model.parameters()))
print(model)
"""

NN_RANDOM_INIT = """
torch.manual_seed(42)
net = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
x = torch.randn(8, 2)
out = net(x)
print(out.shape, out.grad_fn)
loss = out.pow(2).mean()
loss.backward()
for name, p in net.named_parameters():
    print(name, p.shape, p.grad.shape)
"""

DICE = """
torch.manual_seed(0)
fair_probs = torch.ones([6]) / 6
print(fair_probs)
sample = torch.distributions.multinomial.Multinomial(10, fair_probs).sample()
print(sample.shape, sample.sum())
counts = torch.distributions.multinomial.Multinomial(1000, fair_probs).sample((3,))
print(counts.shape, counts.sum(dim=1))
"""

EXACT = [AUTOGRAD_BASICS, D2L_AUTOGRAD, ACCUMULATION, NON_SCALAR_BACKWARD, DETACH, CONTROL_FLOW,
         JACOBIAN_ROW_BY_ROW, LINEAR_REGRESSION, RETAIN_GRAD_AND_HOOKS, REQUIRES_GRAD_, NO_GRAD,
         BLITZ_AUTOGRAD, NN_TRAINING, NN_ADAM]
# seeded random draws: the engine's generator is PyTorch's, so these print the same numbers too
RANDOM = [D2L_CONTROL_FLOW, BLITZ_VECTOR_JACOBIAN, NN_RANDOM_INIT, DICE]
NAMES = {id(s): name for name, s in globals().items() if isinstance(s, str) and s.startswith("\n")}


def run_snippet(code: str, module) -> str:
    """Everything the snippet prints with `torch` bound to `module`, addresses masked."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(textwrap.dedent(code), {"torch": module, "__name__": "__tutorial__"})  # noqa: S102
    return re.sub(r" at 0x[0-9a-f]+", " at 0x…", out.getvalue())


def structure(text: str) -> str:
    """The printed text with every number replaced and all spacing (sign padding too) removed."""
    return "".join(re.sub(r"-?\d+(\.\d*)?(e[+-]?\d+)?", "#", text).split())


@pytest.mark.parametrize("code", EXACT + RANDOM, ids=lambda s: NAMES[id(s)])
def test_tutorial_prints_what_pytorch_prints(code):
    torch = pytest.importorskip("torch")
    expected = run_snippet(code, torch)
    assert run_snippet(code, engine) == expected


@pytest.mark.parametrize("code", RANDOM, ids=lambda s: NAMES[id(s)])
def test_random_tutorial_prints_the_same_structure(code):
    torch = pytest.importorskip("torch")
    expected = run_snippet(code, torch)
    assert structure(run_snippet(code, engine)) == structure(expected)


@pytest.mark.parametrize("code", EXACT + RANDOM, ids=lambda s: NAMES[id(s)])
def test_tutorial_runs_without_torch(code):
    assert run_snippet(code, engine)


def test_autograd_basics_gives_seven():
    assert "tensor(7.)" in run_snippet(AUTOGRAD_BASICS, engine)
