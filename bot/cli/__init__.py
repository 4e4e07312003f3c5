"""The ``levers`` command line."""
