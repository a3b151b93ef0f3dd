"""`python -m archlint`."""

from .cli import main

raise SystemExit(main())
