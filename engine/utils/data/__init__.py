"""torch.utils.data: datasets, samplers and the DataLoader that batches them, drawing shuffles
and splits from engine.random in PyTorch's order so a seeded program sees PyTorch's batches."""
from engine.utils.data.dataloader import DataLoader, default_collate
from engine.utils.data.dataset import (ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset,
                                       random_split)
from engine.utils.data.sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler

__all__ = ["DataLoader", "default_collate", "Dataset", "IterableDataset", "TensorDataset", "Subset",
           "ConcatDataset", "random_split", "Sampler", "SequentialSampler", "RandomSampler",
           "SubsetRandomSampler", "BatchSampler"]
