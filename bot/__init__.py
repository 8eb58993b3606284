"""wardbot: answers ward dosing questions about lenalidomide maintenance after ASCT."""
__version__ = "0.1.0"
