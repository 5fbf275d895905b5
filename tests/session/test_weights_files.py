"""Weights files that are hostile or odd: an .npz that would inflate to gigabytes is judged by its
headers, a member that is not an array and a FIFO are refused with a message."""
import io
import os
import resource
import threading
import zipfile

import numpy as np
import pytest

from engine.session import SessionConfig, Trainer
from engine.session.export import WeightsError, load_weights


@pytest.fixture
def trainer():
    return Trainer(SessionConfig())


def test_an_npz_that_would_inflate_to_gigabytes_is_refused_from_its_headers(tmp_path, trainer):
    path = tmp_path / "bomb.npz"
    # what np.savez_compressed writes for 1.6 GB of zeros (1.6 MB on disk), without spending 10 s making it
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (20_000, 10_000)})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("weight.npy", "w", force_zip64=True) as member:
            member.write(header.getvalue())
            zeros = bytes(1 << 24)
            for _ in range(4):   # 64 MB of the zeros (cut short): enough to show what reading them would cost
                member.write(zeros)
    assert path.stat().st_size < 3_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(WeightsError, match=r"'weight' has shape \(20000, 10000\), the model's has shape \(1, 1\)"):
        load_weights(path, trainer)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000   # KiB: nothing was inflated


def test_an_npz_member_that_is_not_an_array_is_named(tmp_path, trainer):
    path = tmp_path / "odd.npz"
    with zipfile.ZipFile(path, "w") as archive:
        buffer = io.BytesIO()
        np.save(buffer, np.ones((1, 1), np.float32))
        archive.writestr("w.npy", buffer.getvalue())
        archive.writestr("notes.txt", b"hello")
    with pytest.raises(WeightsError, match="odd.npz: 'notes.txt' in the archive is not an array"):
        load_weights(path, trainer)


def test_a_fifo_as_weights_is_refused_at_once(tmp_path, trainer):
    path = tmp_path / "weights.npz"
    os.mkfifo(path)
    outcome = []

    def load():
        try:
            load_weights(path, trainer)
        except WeightsError as error:
            outcome.append(str(error))

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(5)
    assert outcome == ["weights.npz: it is not a regular file (a pipe, device or socket); only files can be opened"]
