"""`python -m smartassist` runs the CLI."""

from smartassist.cli import main

main()
