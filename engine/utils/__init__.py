"""torch.utils: the data-loading utilities (`engine.utils.data`)."""
from engine.utils import data  # noqa: F401
