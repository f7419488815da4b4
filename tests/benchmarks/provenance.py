"""The hash that ties stored benchmark results to the code they timed.

``record.py`` stores it with the results, and the performance appendix
compares it with the code as it is, to say whether the models have changed
since. Standard library only, so the appendix can load this file alone.
"""

import hashlib
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]


def code_hash(root=ROOT):
    """SHA-256 of code/scratch/, as the Makefile's CODE_HASH computes it
    over the same files (it adds pyproject.toml and the PyTorch version,
    which do not change the models): path, a zero byte and contents of
    every file, in sorted order."""
    scratch = root / "code" / "scratch"
    files = sorted(
        p.relative_to(root)
        for p in scratch.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path).encode() + b"\0" + (root / path).read_bytes())
    return digest.hexdigest()
