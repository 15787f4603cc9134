import sys

from proceedings.cli import main

sys.exit(main())
