"""The Textual review interface. Nothing outside this package imports Textual."""
