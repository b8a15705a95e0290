import sys

from chiapp.cli import main

sys.exit(main())
