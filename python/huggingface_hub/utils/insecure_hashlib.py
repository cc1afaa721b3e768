"""Hash constructors flagged ``usedforsecurity=False``.

Upstream exposes these so that FIPS-restricted Pythons still allow MD5/SHA-1 for content
addressing (never for security). Kept with the same names for code that imports them.
"""

import functools
import hashlib

md5 = functools.partial(hashlib.md5, usedforsecurity=False)
sha1 = functools.partial(hashlib.sha1, usedforsecurity=False)
sha256 = functools.partial(hashlib.sha256, usedforsecurity=False)
