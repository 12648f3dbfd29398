"""The course's practicals, runnable with ``kerasdl run NAME``.

Each practical is a module of this package that defines ``PRACTICAL``, a
:class:`Practical`. They are discovered by scanning the package, so adding a
practical means adding one module.
"""

from kerasdl.practicals._base import (
    Practical,
    RunConfig,
    get_practical,
    list_practicals,
    save_run_outputs,
)

__all__ = ["Practical", "RunConfig", "get_practical", "list_practicals", "save_run_outputs"]
