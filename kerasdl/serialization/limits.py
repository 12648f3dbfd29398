"""Size limits applied before kerasdl reads a model or architecture file.

Each is a module attribute: raise it for one genuine file that needs more, for
example ``kerasdl.serialization.limits.MAX_NODES = 5_000_000``. The defaults
are far above what a course model (or MobileNetV2, ResNet50) needs, and far
below what a decompression or alias bomb asks for. The error that a limit
raises names the file, the size it declared and the attribute to raise.

Example:

>>> from kerasdl.serialization import limits
>>> limits.MAX_COMPRESSION_RATIO
50
"""

from __future__ import annotations

#: Most values (mappings, lists and scalars) walked in one architecture document.
#: ResNet50's config holds about 10,000.
MAX_NODES = 2_000_000

#: Largest JSON/YAML architecture file, and largest ``config.json`` of a ``.keras``
#: archive or ``model_config`` of an ``.h5`` model, in bytes.
MAX_CONFIG_BYTES = 64 * 2**20

#: Largest total declared (uncompressed) content of a ``.keras`` archive, in bytes.
MAX_ARCHIVE_BYTES = 8 * 2**30

#: Largest ratio of declared to compressed size, checked once the declared content
#: exceeds :data:`RATIO_CHECK_ABOVE_BYTES`. Trained weights compress by 1.1x or so.
MAX_COMPRESSION_RATIO = 50

#: Declared size below which the compression ratio is not checked, in bytes.
RATIO_CHECK_ABOVE_BYTES = 64 * 2**20

#: Most files in one ``.keras`` archive.
MAX_ARCHIVE_MEMBERS = 10_000
