"""What the "Autograd mechanics" note and the autograd tutorial show: requires_grad flowing
through ops, grad_fn names, retain_grad and hooks, no_grad, detach, the saved-tensor and
in-place checks, higher-order gradients and Jacobians (pytorch/pytorch docs and pytorch/tutorials,
BSD-3-Clause), written for GradStudio's differential tests."""
import torch

x = torch.ones(5)
y = torch.zeros(3)
w = torch.randn(5, 3, requires_grad=True, generator=torch.Generator().manual_seed(0))
b = torch.randn(3, requires_grad=True, generator=torch.Generator().manual_seed(1))
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")
loss.backward()
print(w.grad)
print(b.grad)
with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)
print(z.detach().requires_grad)

a = torch.tensor([2.0, 3.0], requires_grad=True)
h = a * a
h.retain_grad()
h.register_hook(lambda g: print("hook sees", g))
out = (h * 3).sum()
out.backward()
print(h.grad, a.grad)

inp = torch.eye(4, 5, requires_grad=True)
out = (inp + 1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")

q = torch.tensor([1.0, 2.0], requires_grad=True)
try:
    s = q.sigmoid()
    s.mul_(2)
    s.sum().backward()
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    t = (q ** 2).sum()
    t.backward()
    t.backward()
except RuntimeError as e:
    print("RuntimeError:", str(e)[:60])

u = torch.tensor(1.5, requires_grad=True)
f = u ** 3
(g,) = torch.autograd.grad(f, u, create_graph=True)
(gg,) = torch.autograd.grad(g, u)
print(g, gg)
print(torch.autograd.functional.jacobian(lambda v: v ** 2 + v.sum(), torch.tensor([1.0, 2.0, 3.0])))
logits = torch.tensor([[1.0, 2.0, 0.5]], requires_grad=True)
ce = torch.nn.CrossEntropyLoss()(logits, torch.tensor([1]))
print(ce, ce.grad_fn.next_functions)
