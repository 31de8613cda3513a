"""``python -m identity.cli``: the ``identity`` command."""

import sys

from identity.cli import main

sys.exit(main())
