"""schema.sql is the SQLModel tables compiled: a new database is created from it without importing SQLAlchemy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from quizapp.store.database import SCHEMA_SQL, schema_statements
from quizapp.store.tables import compiled_schema


def test_schema_sql_is_the_tables_compiled() -> None:
    compiled = compiled_schema()
    if schema_statements() != compiled:
        header = "".join(
            line + "\n" for line in SCHEMA_SQL.read_text(encoding="utf-8").splitlines() if line[:2] == "--"
        )
        raise AssertionError(
            f"{SCHEMA_SQL} is out of date; its content should be:\n\n{header}\n" + ";\n\n".join(compiled) + ";"
        )


def test_creating_a_database_imports_no_sqlalchemy(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from quizapp.store.database import open_database\n"
        f"open_database(Path({str(tmp_path / 'new.db')!r})).close()\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'pydantic') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
