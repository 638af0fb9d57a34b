"""Run the ``resourceful`` command: ``python -m resourceful``."""

from .cli import main

main()
