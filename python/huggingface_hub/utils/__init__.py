"""Utilities shared by every part of the package (re-exported with upstream's names).

Each block below belongs to one area; keep imports grouped by area.
"""

# --- hashing ---
from . import sha
from .sha import git_hash, sha_fileobj

# --- errors ---

# --- http and headers ---

# --- auth, validators, runtime ---

# --- logging and progress bars ---
