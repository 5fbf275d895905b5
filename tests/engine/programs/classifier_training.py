"""A small classifier the way the beginner tutorials build one: an nn.Module with ModuleList
layers and dropout, CrossEntropyLoss, Adam, a shuffled DataLoader over a TensorDataset split
by random_split, train/eval modes, argmax accuracy; then a binary head with BCEWithLogitsLoss
(after "Learning PyTorch with Examples" and "Build the Neural Network", pytorch/tutorials,
BSD-3-Clause), written for GradStudio's differential tests."""
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, random_split
import torch.nn.functional as F

torch.manual_seed(3)
n = 240
t = torch.linspace(0, 1, n // 3)
xs, ys = [], []
for k in range(3):
    angle = t * 4 + k * 2.1 + torch.randn(n // 3) * 0.2
    xs.append(torch.stack([t * torch.cos(angle), t * torch.sin(angle)], dim=1))
    ys.append(torch.full((n // 3,), k))
X = torch.cat(xs)
Y = torch.cat(ys)
train, test = random_split(TensorDataset(X, Y), [0.75, 0.25])
print(len(train), len(test))


class Net(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.drop = nn.Dropout(0.0)

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = F.relu(layer(x))
            x = self.drop(x)
        return self.layers[-1](x)


model = Net([2, 16, 16, 3])
print(model)
opt = torch.optim.Adam(model.parameters(), lr=0.01)
loss_fn = nn.CrossEntropyLoss()
loader = DataLoader(train, batch_size=32, shuffle=True)
for epoch in range(15):
    model.train()
    total = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item() * len(xb)
    if epoch % 5 == 4:
        model.eval()
        with torch.no_grad():
            xt = torch.stack([test[i][0] for i in range(len(test))])
            yt = torch.stack([test[i][1] for i in range(len(test))])
            acc = (model(xt).argmax(dim=1) == yt).float().mean()
        print(epoch, round(total / len(train), 5), acc.item())

probs = F.softmax(model(X[:4]), dim=1)
print(probs, probs.sum(dim=1))
print(F.one_hot(Y[:5], num_classes=3))

torch.manual_seed(5)
head = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1), nn.Flatten(0))
target = (Y == 0).float()
bce = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(2.0))
sgd = torch.optim.SGD(head.parameters(), lr=0.5, momentum=0.9)
for step in range(40):
    sgd.zero_grad()
    loss = bce(head(X), target)
    loss.backward()
    sgd.step()
    if step % 10 == 9:
        print(step, loss.item())
print(loss.grad_fn, torch.sigmoid(head(X[:3])))
