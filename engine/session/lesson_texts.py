"""The lessons' words and programs: each autograd lesson's scratchpad program (PyTorch tutorial
code; the scratchpad binds `torch` to the engine) and every lesson's explanation text (marked for
translation: the window shows them through Qt's translator, context "lessons")."""
from __future__ import annotations

from engine.session.i18n import QT_TRANSLATE_NOOP

LINEAR_REGRESSION = QT_TRANSLATE_NOOP("lessons", """Fit y = 2x + 3 plus noise with w·x + b: minibatches of 4, learning rate 0.02, 500 steps of SGD.

What to look at: the fitted line (Training tab) swings towards the data in the first few dozen
steps, then settles; the loss curve drops fast and then flattens at the noise level; w and b head
for 2 and 3.

What to try: raise the learning rate to 0.2 and watch it diverge; switch to Adam; add noise.
""")

AUTOGRAD_BASICS = QT_TRANSLATE_NOOP("lessons", """x = 2 and y = x² + 3x + 1, so dy/dx = 2x + 3 = 7 — and after y.backward(), x.grad is 7.

What to look at: press Run, then Show graph of y: x is a leaf that requires grad; y is not a leaf
and its grad_fn is AddBackward0, whose inputs lead back through MulBackward0 and PowBackward0.
Tick "debug backward" and Run again to step through the backward pass node by node.

What to try: call y.backward() twice (it fails: the graph was freed — add retain_graph=True,
and watch x.grad accumulate to 14).
""")
AUTOGRAD_BASICS_PROGRAM = """\
# Autograd basics: y = x**2 + 3*x + 1 at x = 2, so dy/dx = 2x + 3 = 7.
import torch

x = torch.tensor(2.0, requires_grad=True)
y = x**2 + 3*x + 1
print("x.is_leaf:", x.is_leaf, "  x.requires_grad:", x.requires_grad)
print("y.is_leaf:", y.is_leaf, "  y.grad_fn:", type(y.grad_fn).__name__)
y.backward()
print("x.grad:", x.grad)   # tensor(7.)
"""

DETACH_VS_DATA = QT_TRANSLATE_NOOP("lessons", """x.detach() and x.data both give a tensor without history that shares x's storage: changing
either in place changes x too, but never x.grad, and neither records a graph.

What to look at: the printed values after each in-place change; Show graph of z: a, detached,
has no node in it — only x's branch is recorded; the graph is cut there.

What to try: compute something from a and call backward on it (it fails: a does not require
grad). The difference: autograd notices in-place changes made through detach() to a tensor
backward still needs; through .data it silently computes a wrong gradient.
""")
DETACH_VS_DATA_PROGRAM = """\
# detach() versus .data: both share storage with x and carry no history.
import torch

x = torch.arange(4.0, requires_grad=True)
y = (x * x).sum()
y.backward()
print("x.grad:", x.grad)                 # 2x = [0, 2, 4, 6]

a = x.detach()
b = x.data
print("a.requires_grad:", a.requires_grad, "  b.requires_grad:", b.requires_grad)
with torch.no_grad():
    a[0] = 10.0                          # x sees it: same storage
print("x after a[0] = 10:", x)
b.mul_(2)                                # and this too
print("x after b.mul_(2):", x)
print("x.grad unchanged:", x.grad)

z = x * 3 + a                            # a has no history: the graph of z is cut there
"""

NON_LEAF_GRADIENTS = QT_TRANSLATE_NOOP("lessons", """Only leaves keep .grad after backward. A non-leaf keeps its gradient if you ask with
retain_grad(); a hook registered with register_hook sees (and may replace) the gradient as it
passes, until you remove() it.

What to look at: y.grad is set (retain_grad), the hook printed the gradient flowing into y;
with "debug backward" ticked, step through and watch the hook fire at y's node.

What to try: return grad * 2 from the hook and see x.grad double; remove the hook and run the
backward again.
""")
NON_LEAF_GRADIENTS_PROGRAM = """\
# Non-leaf gradients: retain_grad() and a tensor hook.
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2                # a non-leaf
y.retain_grad()
handle = y.register_hook(lambda grad: print("hook sees dL/dy =", grad))
z = (y ** 2).sum()
z.backward()
print("y.grad:", y.grad)   # 2y = [4, 8, 12]
print("x.grad:", x.grad)   # 2 * 2y = [8, 16, 24]
handle.remove()

x.grad.zero_()
z = (x * 2).pow(2).sum()
z.backward()               # no hook this time
print("x.grad again:", x.grad)
"""

DERIVATIVE_AS_LIMIT = QT_TRANSLATE_NOOP("lessons", """The derivative is the limit of difference quotients (f(x + h) − f(x)) / h as h → 0. For
f(x) = 3x² − 4x at x = 1 they approach 2 — autograd gives the exact 2 at once, and the tangent
at (1, −1) is y = 2x − 3.

What to look at: the table of quotients for h = 0.1 … 0.00001 closing in on 2, next to
autograd's value; the plot of f with its tangent.

What to try: change f, x or h (the derivative view's fields, or the program); in float32, make
h tiny (1e-8) and watch rounding wreck the quotient while autograd stays exact.
""")
DERIVATIVE_AS_LIMIT_PROGRAM = """\
# Derivative as a limit: difference quotients of f(x) = 3x^2 - 4x at x = 1 converge to 2.
import torch

def f(x):
    return 3 * x ** 2 - 4 * x

def numerical_lim(f, x, h):
    return (f(x + h) - f(x)) / h

h = 0.1
for i in range(5):
    print(f"h={h:.5f}, numerical limit={numerical_lim(f, 1, h):.5f}")
    h *= 0.1

x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
f(x).backward()
print("autograd:", x.grad)   # exactly 2: the tangent is y = 2x - 3
"""

DOT_PRODUCT = QT_TRANSLATE_NOOP("lessons", """y = 2·xᵀx for x = [0, 1, 2, 3]: its gradient is 4x = [0, 4, 8, 12].

What to look at: x.grad after the first backward; gradients accumulate — a second backward
without zeroing adds to x.grad; x.grad.zero_() clears it; then x.sum() gives ones and x * x
(summed) gives 2x.

What to try: remove the x.grad.zero_() line and predict what is printed.
""")
DOT_PRODUCT_PROGRAM = """\
# The gradient of y = 2 * x^T x is 4x.
import torch

x = torch.arange(4.0, requires_grad=True)
y = 2 * torch.dot(x, x)
y.backward()
print("x.grad:", x.grad)                     # 4x = [0, 4, 8, 12]
print("x.grad == 4 * x:", x.grad == 4 * x)

y = 2 * torch.dot(x, x)
y.backward()
print("accumulated:", x.grad)                # [0, 8, 16, 24]

x.grad.zero_()
y = x.sum()
y.backward()
print("grad of x.sum():", x.grad)            # ones

x.grad.zero_()
y = x * x
y.sum().backward()
print("grad of (x * x).sum():", x.grad)      # 2x
"""

DETACH_COMPUTATION = QT_TRANSLATE_NOOP("lessons", """u = y.detach() turns y = x * x into a constant: z = u * x has gradient u (= x²), not 3x².
The graph of y still exists, so y.sum().backward() gives 2x.

What to look at: Show graph of z: u, detached, has no node in it — only x's branch carries
gradient back, through one MulBackward0.

What to try: replace u by y in z and see x.grad become 3x².
""")
DETACH_COMPUTATION_PROGRAM = """\
# Detaching a computation: u = y.detach() is a constant to autograd.
import torch

x = torch.arange(4.0, requires_grad=True)
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
print("x.grad:", x.grad)              # u, not 3x^2
print("x.grad == u:", x.grad == u)
grad_z = x.grad.clone()

x.grad.zero_()
y.sum().backward()
print("grad of y.sum():", x.grad)     # 2x
"""

CONTROL_FLOW = QT_TRANSLATE_NOOP("lessons", """Autograd records the operations that actually ran, so Python control flow is fine: f doubles b
until its norm passes 1000, and picks a branch on its sign. f(a) is linear in a (d = k·a for a
k that depends on a), so the gradient equals d / a.

What to look at: Show graph of d: its length depends on how many times the loop ran — run
again (a is random) and the graph changes.

What to try: seed a different value with torch.manual_seed, or make a a vector
(torch.randn(size=(3,))).
""")
CONTROL_FLOW_PROGRAM = """\
# Gradient through control flow: the graph is whatever the loop and the branch ran.
import torch

def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c

torch.manual_seed(0)
a = torch.randn(size=(), requires_grad=True)
d = f(a)
d.backward()
print("a:", a, " d:", d)
print("a.grad:", a.grad, "  d / a:", d / a)
print("a.grad == d / a:", a.grad == d / a)
"""

JACOBIAN = QT_TRANSLATE_NOOP("lessons", """y1 = x1² + 3·x2 and y2 = x2² + 2·x1 at (2, 3). backward(v) computes vᵀJ, one row of the Jacobian
per unit vector: v = (1, 0) gives [4, 3], v = (0, 1) gives [2, 6] — retain_graph=True keeps the
graph for the second call, and x.grad must be zeroed in between.

The classic mistake: v = (1, 1) does not give J; it gives the sum of its rows, (6, 9).
autograd.functional.jacobian builds J = [[4, 3], [2, 6]] in one call.

What to try: forget x.grad.zero_() between the rows and see the rows add up.
""")
JACOBIAN_PROGRAM = """\
# A Jacobian row by row with backward(v, retain_graph=True), next to autograd.functional.jacobian.
import torch

def g(x):
    return torch.stack([x[0] ** 2 + 3 * x[1], x[1] ** 2 + 2 * x[0]])

x = torch.tensor([2.0, 3.0], requires_grad=True)
y = g(x)
rows = []
for v in ([1.0, 0.0], [0.0, 1.0]):
    y.backward(torch.tensor(v), retain_graph=True)
    rows.append(x.grad.clone())
    x.grad.zero_()
J = torch.stack(rows)
print("J row by row:\\n", J)             # [[4, 3], [2, 6]]

y.backward(torch.tensor([1.0, 1.0]))
v_sum = x.grad.clone()
print("v = (1, 1) gives", v_sum, "- the sum of the rows, not J")   # (6, 9)

J_functional = torch.autograd.functional.jacobian(g, torch.tensor([2.0, 3.0]))
print("autograd.functional.jacobian:\\n", J_functional)
"""

DICE = QT_TRANSLATE_NOOP("lessons", """Roll a fair die: 500 groups of 10 rolls each, drawn with a multinomial distribution. The relative
frequency of each face, counted over all rolls so far, converges to 1/6 (the dashed line) — the
law of large numbers.

What to look at: the six curves start far apart and narrow towards 1/6 as rolls accumulate.

What to try: load the die (probabilities such as [0.5, 0.1, 0.1, 0.1, 0.1, 0.1]) and see the
curves converge to those instead.
""")
DICE_PROGRAM = """\
# Dice: relative frequencies of 500 groups of 10 rolls converge to 1/6.
import torch
from torch.distributions import multinomial

torch.manual_seed(0)
fair_probs = torch.ones([6]) / 6
print("one roll:", multinomial.Multinomial(1, fair_probs).sample())
counts = multinomial.Multinomial(10, fair_probs).sample((500,))
cum_counts = counts.cumsum(dim=0)
estimates = cum_counts / cum_counts.sum(dim=1, keepdims=True)
print("after 10 rolls:  ", estimates[0])
print("after 5000 rolls:", estimates[-1])   # all close to 1/6 = 0.1667
"""

LOSS_LANDSCAPE = QT_TRANSLATE_NOOP("lessons", """The linear model w·x + b has two parameters, so its loss is a surface over (w, b): here as a
contour map, with the path each optimizer takes from the same start (w, b) = (−1, −2).

What to look at: SGD follows the negative gradient, across the contours at right angles, slowly
along the long valley; momentum overshoots and swings in; Adam moves in nearly equal steps in w
and b at first. All three end near the minimum at about (2, 3).

What to try: a larger learning rate for SGD (it zig-zags, then diverges); in the Training tab,
train the same model and watch w and b in the parameter plot.
""")
LOSS_LANDSCAPE_PROGRAM = """\
# The loss landscape of w*x + b: SGD, momentum and Adam from the same start.
import torch

torch.manual_seed(0)
x = torch.linspace(0, 5, 100)
y = 2 * x + 3 + torch.randn(100)

def loss_of(w, b):
    return ((w * x + b - y) ** 2).mean()

for name, make in (("SGD", lambda p: torch.optim.SGD(p, lr=0.02)),
                   ("momentum", lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.9)),
                   ("Adam", lambda p: torch.optim.Adam(p, lr=0.1))):
    w = torch.tensor(-1.0, requires_grad=True)
    b = torch.tensor(-2.0, requires_grad=True)
    optimizer = make([w, b])
    for step in range(500):
        optimizer.zero_grad()
        loss = loss_of(w, b)
        loss.backward()
        optimizer.step()
    print(f"{name:9s} w = {w.item():.3f}  b = {b.item():.3f}  loss = {loss.item():.4f}")
"""

HIDDEN_LAYER = QT_TRANSLATE_NOOP("lessons", """Exclusive or: class 1 where x₁ and x₂ have the same sign, class 0 where they differ. No straight
line separates the two, so a linear model (no hidden layer) cannot learn it; one hidden layer of
4 tanh neurons can.

What to look at: the two maps side by side, trained on the same points with the same optimizer.
The linear model's boundary stays one straight line and its accuracy stays near 50–75%; the
network bends its boundary around the quadrants and reaches nearly 100%. In the Network tab
(Training the 2→4→1 session) each hidden neuron draws one straight line; the output combines them.

What to try: in Setup, tick the feature x₁x₂ for the linear model — with the right input a
straight line in feature space is enough. Remove hidden neurons with − in the Network tab: how
few still solve it?
""")
HIDDEN_LAYER_PROGRAM = """\
# Why a hidden layer: exclusive-or with a linear model and with one hidden layer of 4 tanh units.
import torch
from torch import nn

torch.manual_seed(0)
x = torch.rand(400, 2) * 2 - 1
y = ((x[:, 0] * x[:, 1]) > 0).float().unsqueeze(1)

for name, model in (("linear", nn.Linear(2, 1)),
                    ("2-4-1 tanh", nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1)))):
    optimizer = torch.optim.Adam(model.parameters(), lr=0.03)
    loss_fn = nn.BCEWithLogitsLoss()
    for step in range(1000):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
    accuracy = ((model(x) > 0).float() == y).float().mean().item()
    print(f"{name}: loss {loss.item():.3f}, accuracy {accuracy:.0%}")
"""
