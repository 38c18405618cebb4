"""``python -m bheem_nb``: the same as the ``bheem`` command."""

from bheem_nb.cli import main

raise SystemExit(main())
