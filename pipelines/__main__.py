import os
import sys

from pipelines.cli import main

try:
    sys.exit(main())
except BrokenPipeError:  # `... | head`: the reader has what it wanted; no traceback for that
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(1)
