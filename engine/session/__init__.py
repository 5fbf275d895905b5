"""The Qt-free training session: configs, data, models, the safe expression parser and the trainer."""
from engine.session.choices import ACTIVATIONS, DATA_SOURCES, LOSSES, MODEL_KINDS, OPTIMIZERS, Choice, build_model
from engine.session.config import SCHEMA_VERSION, ConfigError, DataConfig, ModelConfig, SessionConfig, TrainingConfig
from engine.session.data import Dataset, MinibatchSampler, csv_columns, generate_data, make_dataset, read_csv_columns
from engine.session.expression import FUNCTIONS, ExpressionError, ParsedExpression, parse_expression
from engine.session.export import (ExportError, WeightsError, export_history_csv, export_run_folder, export_weights,
                                   load_weights)
from engine.session.history import RunHistory
from engine.session.session_file import SessionFile, SessionFileError, read_session_file, write_session_file
from engine.session.trainer import Snapshot, Trainer
from engine.session.validation import validate

__all__ = [
    "ACTIVATIONS", "DATA_SOURCES", "FUNCTIONS", "LOSSES", "MODEL_KINDS", "OPTIMIZERS", "SCHEMA_VERSION", "Choice",
    "ConfigError", "DataConfig", "Dataset",
    "ExpressionError", "MinibatchSampler", "ModelConfig", "ParsedExpression", "SessionConfig", "Snapshot",
    "Trainer", "TrainingConfig", "build_model", "csv_columns", "generate_data", "make_dataset",
    "parse_expression", "read_csv_columns", "validate",
    "ExportError", "RunHistory", "SessionFile", "SessionFileError", "WeightsError", "export_history_csv",
    "export_run_folder", "export_weights", "load_weights", "read_session_file", "write_session_file",
]
