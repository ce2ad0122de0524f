"""Every SQL statement quizapp runs is compiled (EXPLAIN) against a database created from the schema that
`store/tables.py` declares, so a column renamed in the declaration alone fails here, before any feature
test runs the statement.

A statement is text that starts with SELECT, INSERT, UPDATE, DELETE, WITH or REPLACE in capitals, as
quizapp writes SQL. It is found as the value of a module-level constant (of quizapp or of the benchmarks;
a `{}` in it stands for a list of `?`), as a literal inside a function, or among the statements
`QueueQueries` builds for a deck/topic filter (built here for representative filters). A statement built
at run time anywhere else could not be compiled here, so it is refused; and the store, the scheduler and
the library keep every statement at module level, where it has a name and can be reused.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import quizapp
from quizapp.store.database import open_database
from quizapp.store.queue import QueueQueries
from tests.conftest import DATA

ROOT = Path(quizapp.__file__).parent.parent
BENCHMARKS = ROOT / "benchmarks"
STATEMENT = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH|REPLACE)\s")
TEMP_TABLE = re.compile(r"\s*CREATE TEMP TABLE\s")
NAMED_PARAMETER = re.compile(r"[:@$][A-Za-z_]")
# Statements for a database not upgraded yet, each compiled against a database of that schema instead.
OLDER_SCHEMA = {"quizapp.store.renames._QUESTIONS_BEFORE_SCHEMA_3": DATA / "schema-1.db"}
# A migration's statements are for the schema before it: an upgraded database is compared with a new one instead.
MIGRATIONS = "quizapp/store/migrations.py"
# The one place statements are built at run time, for each deck/topic filter: built below for representative ones.
BUILT_PER_FILTER = ("quizapp/store/queue.py", "QueueQueries")
MODULE_LEVEL_ONLY = ("quizapp/store/", "quizapp/scheduling.py", "quizapp/library.py")
FILTERS: list[tuple[tuple[str, ...] | None, str | None]] = [
    (None, None),
    (("a", "b"), None),
    ((), None),
    (None, "t"),
    (("a",), "t/u/"),
]


class _AnyValue(dict[str, object]):
    """Named parameters: NULL for every name, so a statement compiles without knowing its parameters."""

    def __missing__(self, key: str) -> None:
        return None


def compile_error(conn: sqlite3.Connection, statement: str) -> str | None:
    """Why SQLite cannot compile `statement` on this database (no such table or column, a syntax error), or None."""
    statement = statement.replace("{}", "?")
    named = NAMED_PARAMETER.search(statement) is not None
    parameters = _AnyValue() if named else (None,) * statement.count("?")
    try:
        conn.execute(f"EXPLAIN {statement}", parameters)
    except sqlite3.Error as e:
        return str(e)
    return None


def _modules(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """Every module of quizapp (but `__main__`, which runs the app) and of the benchmarks."""
    for info in pkgutil.walk_packages(quizapp.__path__, "quizapp."):
        if not info.name.endswith("__main__"):
            yield importlib.import_module(info.name)
    monkeypatch.setattr(sys, "path", [str(BENCHMARKS), *sys.path])  # run.py adds it too: both undone after
    for path in sorted(BENCHMARKS.glob("*.py")):
        yield importlib.import_module(path.stem)


def _is_statement(value: object) -> bool:
    return isinstance(value, str) and (STATEMENT.match(value) or TEMP_TABLE.match(value)) is not None


def _collect(where: str, value: object, found: dict[str, str]) -> None:
    """The statements in `value`: itself, or the items of a list, tuple or dict, however deep."""
    if isinstance(value, str):
        if _is_statement(value):
            found[where] = value
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _collect(f"{where}[{i}]", item, found)
    elif isinstance(value, dict):
        for key, item in value.items():
            _collect(f"{where}[{key!r}]", item, found)


def module_statements(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """`module.NAME` → the statement, for every module-level value that is one or holds some (an imported one too)."""
    found: dict[str, str] = {}
    for module in _modules(monkeypatch):
        for name, value in vars(module).items():
            if not name.startswith("__"):
                _collect(f"{module.__name__}.{name}", value, found)
    return found


def queue_statements() -> dict[str, str]:
    """Every statement QueueQueries builds for each of FILTERS, wherever it keeps it."""
    found: dict[str, str] = {}
    for deck_ids, topic in FILTERS:
        queries = QueueQueries(deck_ids, topic)
        for name, value in vars(queries).items():
            _collect(f"QueueQueries({deck_ids!r}, {topic!r}).{name}", value, found)
    return found


def inline_statements(source: str, path: str) -> tuple[dict[str, str], list[str]]:
    """The statements written inside a function or class of one file (but BUILT_PER_FILTER): the literals
    (`path:line` → text), and where one is built at run time (an f-string)."""
    literals: dict[str, str] = {}
    built: list[str] = []

    def visit(node: ast.AST, inside: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                if (path, child.name) != BUILT_PER_FILTER:
                    visit(child, True)
            elif inside and isinstance(child, ast.Constant) and _is_statement(child.value):
                literals[f"{path}:{child.lineno}"] = str(child.value)
            elif inside and isinstance(child, ast.JoinedStr):
                head = child.values[0] if child.values else None
                if isinstance(head, ast.Constant) and _is_statement(head.value):
                    built.append(f"{path}:{child.lineno}")
            else:
                visit(child, inside)

    visit(ast.parse(source), False)
    return literals, built


def _sources(*folders: Path) -> Iterator[tuple[str, str]]:
    for folder in folders:
        for file in sorted(folder.rglob("*.py")):
            path = file.relative_to(ROOT).as_posix()
            if path != MIGRATIONS:
                yield path, file.read_text(encoding="utf-8")


def every_statement(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Where each statement is (a constant's name, a query of QueueQueries, or `file:line`) → its text."""
    found = {**module_statements(monkeypatch), **queue_statements()}
    for path, source in _sources(ROOT / "quizapp", BENCHMARKS):
        found.update(inline_statements(source, path)[0])
    return found


def test_every_statement_compiles_against_the_declared_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    statements = every_statement(monkeypatch)
    db = open_database(tmp_path / "new.db")
    try:
        # a temporary table (the report's) is created first, in its module's order, for the statements that read it
        temp = {where: s for where, s in statements.items() if TEMP_TABLE.match(s)}
        for where, statement in temp.items():
            assert compile_error(db.conn, statement) is None, where
            db.conn.execute(statement, _AnyValue())
        problems = {
            where: problem
            for where, statement in statements.items()
            if where not in OLDER_SCHEMA and where not in temp and (problem := compile_error(db.conn, statement))
        }
    finally:
        db.close()
    assert problems == {}


def test_statements_for_an_older_schema_compile_against_a_database_of_that_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    statements = module_statements(monkeypatch)
    for where, database in OLDER_SCHEMA.items():
        copy = tmp_path / database.name
        shutil.copy(database, copy)
        conn = sqlite3.connect(copy)
        try:
            assert compile_error(conn, statements[where]) is None, where
        finally:
            conn.close()


def test_no_statement_is_built_where_this_test_cannot_compile_it() -> None:
    built: list[str] = []
    for path, source in _sources(ROOT / "quizapp"):
        built += inline_statements(source, path)[1]
    assert built == []


def test_the_store_scheduler_and_library_name_every_statement_at_module_level() -> None:
    inline: list[str] = []
    for path, source in _sources(ROOT / "quizapp"):
        if path.startswith(MODULE_LEVEL_ONLY):
            inline += inline_statements(source, path)[0]
    assert inline == []


def test_statements_are_found_wherever_they_are_written(monkeypatch: pytest.MonkeyPatch) -> None:
    source = (
        'X = "SELECT 1"\n'
        "def f(conn, table):\n"
        '    conn.execute("UPDATE card SET due = NULL")\n'
        '    conn.execute(f"SELECT * FROM {table}")\n'
        "class Q:\n"
        '    Y = "DELETE FROM card"\n'
    )
    literals, built = inline_statements(source, "quizapp/example.py")
    assert literals == {
        "quizapp/example.py:3": "UPDATE card SET due = NULL",
        "quizapp/example.py:6": "DELETE FROM card",
    }
    assert built == ["quizapp/example.py:4"]
    found = every_statement(monkeypatch)
    assert {"quizapp.store.queue.SET_CARD_STATE", "quizapp.store.sync._INSERT_CARD", "history.ACTIVE_CARDS"} <= set(
        found
    )
    per_filter = {where.split(").", 1)[1].split("[")[0] for where in found if where.startswith("QueueQueries(")}
    assert per_filter == set(vars(QueueQueries(None, None))) - {"params"}


def test_a_statement_naming_an_undeclared_column_does_not_compile(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new.db")
    try:
        assert compile_error(db.conn, "SELECT id FROM card WHERE due_at < :now") == "no such column: due_at"
        assert compile_error(db.conn, "UPDATE card SET buried = ? WHERE id = ?") == "no such column: buried"
        assert compile_error(db.conn, "SELECT id FROM card WHERE retired = 0 AND deck_id IN ({})") is None
    finally:
        db.close()
