#!/usr/bin/env python3
"""Make the command-line scripts run under a Python that has torch.

The scripts start with `#!/usr/bin/env python3`, but the first python3 on PATH may be a
Python without Debian's python3-torch. `ensure()` re-executes the current script with
/usr/bin/python3 when torch cannot be imported here and /usr/bin/python3 is another
interpreter.
"""

import os
import sys

SYSTEM_PYTHON = "/usr/bin/python3"


def ensure() -> None:
    try:
        import torch  # noqa: F401
    except ImportError:
        if os.path.exists(SYSTEM_PYTHON) and \
                os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PYTHON):
            os.execv(SYSTEM_PYTHON, [SYSTEM_PYTHON] + sys.argv)
        raise
