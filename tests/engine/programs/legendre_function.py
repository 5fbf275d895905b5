"""Fit y = a + b·P3(c + d·x) to sin(x) with a custom autograd Function for the Legendre
polynomial P3 — the steps of "Learning PyTorch with Examples: Defining new autograd
Functions" (pytorch/tutorials, BSD-3-Clause), written for GradStudio's differential tests."""
import math

import torch


class LegendreP3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


dtype = torch.float
device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
y = torch.sin(x)

a = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
b = torch.full((), -1.0, device=device, dtype=dtype, requires_grad=True)
c = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
d = torch.full((), 0.3, device=device, dtype=dtype, requires_grad=True)

learning_rate = 5e-6
for t in range(300):
    P3 = LegendreP3.apply
    y_pred = a + b * P3(c + d * x)
    loss = (y_pred - y).pow(2).sum()
    if t % 50 == 49:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        for p in (a, b, c, d):
            p -= learning_rate * p.grad
            p.grad = None

print(y_pred.grad_fn, y_pred.grad_fn.next_functions[1][0].next_functions[1][0].name())
print(f"Result: y = {a.item()} + {b.item()} * P3({c.item()} + {d.item()} x)")
