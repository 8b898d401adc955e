import sys

from diplodash.cli import main

sys.exit(main())
