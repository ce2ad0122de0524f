"""SQLite storage: the tables (declared once, with SQLModel, in `tables.py`), decks synced into them, the
queue's statements (`queue.py`), backups and migrations. Statements run as plain SQL on `sqlite3`."""
