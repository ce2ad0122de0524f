"""Deck files: YAML → typed models, with positions for every error."""
