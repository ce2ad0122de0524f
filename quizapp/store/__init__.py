"""SQLite storage through SQLModel: decks, cards with their FSRS state, and every review."""
