"""The nn.Module classes, one file per kind (as torch/nn/modules/ is laid out)."""
from engine.nn.modules.activation import ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh
from engine.nn.modules.conv import Conv2d, MaxPool2d
from engine.nn.modules.container import ModuleDict, ModuleList, ParameterList, Sequential
from engine.nn.modules.dropout import Dropout
from engine.nn.modules.flatten import Flatten, Unflatten
from engine.nn.modules.linear import Identity, Linear
from engine.nn.modules.loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, L1Loss, MSELoss,
                                    NLLLoss, SmoothL1Loss)
from engine.nn.modules.module import Module, Parameter
from engine.nn.modules.sparse import Embedding

__all__ = ["Module", "Parameter", "Linear", "Identity", "Sequential", "ModuleList", "ModuleDict",
           "ParameterList", "ReLU", "Tanh", "LeakyReLU", "GELU", "SiLU", "Softplus", "ELU", "Sigmoid", "Softmax", "LogSoftmax", "Dropout", "Flatten",
           "Unflatten", "Embedding", "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "NLLLoss",
           "CrossEntropyLoss", "BCELoss", "BCEWithLogitsLoss", "Conv2d", "MaxPool2d"]
