"""The tests of ssj; their folders follow the package."""
