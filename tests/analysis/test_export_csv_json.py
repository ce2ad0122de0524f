"""The CSV and JSON reports: parsed back, checked against their documentation and schema."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import types
import typing
from dataclasses import fields, is_dataclass, replace
from datetime import date, datetime
from typing import Any

import pytest

from quizapp.analysis import export_csv
from quizapp.analysis.export_csv import COLUMNS, to_csv
from quizapp.analysis.export_json import COMPUTED, report_json_schema, to_json
from quizapp.analysis.model import PERIODS, Report
from tests.report_sample import HOSTILE, sample_report

TEXT_COLUMNS = {
    "kind",
    "deck_id",
    "question_id",
    "topic",
    "text",
    "question_retired",
    "last_reviewed",
    "missed_key_points",
}


def parse_csv(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return list(reader)


def test_csv_has_a_row_per_deck_topic_and_question_that_parses_back() -> None:
    report = sample_report()
    rows = parse_csv(to_csv(report))
    assert [row["kind"] for row in rows] == ["deck"] * 2 + ["topic"] * 5 + ["question"] * 2
    topics = {row["topic"]: row for row in rows if row["kind"] == "topic"}
    assert list(topics) == ["diffusion", "diffusion/dit", "transformers", "多模态", "多模态/融合"]
    assert topics["diffusion/dit"]["depth"] == "2"
    assert topics["diffusion"]["again_rate"] == "0.375"
    assert topics["diffusion"]["retention_all"] == "0.625"
    assert topics["diffusion"]["retention_all_passed"] == "25" and topics["diffusion"]["retention_all_failed"] == "15"
    assert topics["多模态"]["retention_7d"] == "0.933333"
    assert topics["diffusion"]["weakness"] == "0.61" and topics["diffusion"]["rank"] == "1"
    assert topics["transformers"]["weakness"] == "" and topics["transformers"]["rank"] == ""
    elbo, qformer = (row for row in rows if row["kind"] == "question")
    assert elbo["text"] == report.questions[0].prompt  # quotes, commas and tags survive the round trip
    assert elbo["missed_key_points"] == "the KL terms per step\n" + HOSTILE
    assert elbo["last_grade"] == "1" and elbo["last_reviewed"] == "2026-11-30T09:15:00+00:00"
    assert elbo["rank"] == "1" and elbo["question_retired"] == "false" and qformer["question_retired"] == "true"
    assert qformer["text"] == "Q-Former 如何把视觉特征压缩成固定数量的查询向量？"
    deck = rows[0]
    assert deck["deck_id"] == "diffusion-math" and deck["text"] == "Diffusion math " + HOSTILE


def test_csv_numbers_are_plain_decimals_and_none_is_empty() -> None:
    for row in parse_csv(to_csv(sample_report())):
        for column, value in row.items():
            if column not in TEXT_COLUMNS and value:
                assert re.fullmatch(r"-?\d+(\.\d+)?", value), (column, value)
    nan = replace(sample_report(), questions=(replace(sample_report().questions[0], retrievability=math.nan),))
    assert parse_csv(to_csv(nan))[-1]["retrievability"] == ""


def test_csv_uses_crlf_line_ends() -> None:
    text = to_csv(sample_report(empty=True))
    assert text == ",".join(COLUMNS) + "\r\n"


def test_every_csv_column_is_documented() -> None:
    doc = export_csv.__doc__ or ""
    for column in COLUMNS:
        general = re.sub(f"_({'|'.join(PERIODS)})(?=_|$)", "_<period>", column)
        assert f"`{column}`" in doc or f"`{general}`" in doc, column


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "＝1+1"])
def test_csv_deck_text_cannot_run_as_a_formula(dangerous: str) -> None:
    report = sample_report()
    q = replace(
        report.questions[0],
        prompt=dangerous,
        topic=dangerous,
        deck_id=dangerous,
        question_id=dangerous,
        missed_key_points=(dangerous, "ok"),
    )
    deck = replace(report.decks[0], title=dangerous, deck_id=dangerous)
    topic = replace(report.topics[0], topic=dangerous)
    rows = parse_csv(to_csv(replace(report, questions=(q,), decks=(deck,), topics=(topic,))))
    for row in rows:
        for column in ("deck_id", "question_id", "topic", "text", "missed_key_points"):
            if row[column]:
                assert row[column].startswith("'" + dangerous), (column, row[column])


def test_csv_leaves_harmless_text_alone() -> None:
    q = replace(sample_report().questions[0], prompt="a = b - c", missed_key_points=("x\n=y",))
    row = parse_csv(to_csv(replace(sample_report(), questions=(q,))))[-1]
    assert row["text"] == "a = b - c" and row["missed_key_points"] == "x\n=y"


# --- JSON ---


def test_json_starts_with_format_and_version_and_sorts_every_other_key() -> None:
    text = to_json(sample_report())
    data = json.loads(text)
    assert list(data)[:2] == ["format", "version"]
    assert (data["format"], data["version"]) == ("quizapp-report", 1)
    assert list(data)[2:] == sorted(set(data) - {"format", "version"})

    def check(node: object) -> None:
        if isinstance(node, dict):
            assert list(node) == sorted(node)
            for value in node.values():
                check(value)
        elif isinstance(node, list):
            for item in node:
                check(item)

    check({key: value for key, value in data.items() if key not in ("format", "version")})
    assert to_json(sample_report()) == text
    assert "多模态/融合" in text  # CJK as is, not \u escapes


def test_json_gives_dates_in_iso_8601_and_the_computed_rates() -> None:
    data = json.loads(to_json(sample_report()))
    assert data["generated_at"] == "2026-12-01T08:00:00+00:00" and data["today"] == "2026-12-01"
    assert data["questions"][0]["last_reviewed"] == "2026-11-30T09:15:00+00:00"
    assert data["days"][0]["day"] == "2026-10-02"
    total = data["summary"]["retention"]["all"]["total"]
    assert total == {"count": 72, "failed": 17, "passed": 55, "rate": 55 / 72}
    assert data["topics"][0]["figures"]["again_rate"] == 0.375
    assert data["empty"] is False and json.loads(to_json(sample_report(empty=True)))["empty"] is True
    assert data["topics"][2]["figures"]["weakness"] is None


def rebuild(hint: Any, value: Any) -> Any:
    """A model value back from its JSON, following the type hints; the computed keys are left out."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None:
            return None
        return rebuild(next(arg for arg in args if arg is not type(None)), value)
    if origin is tuple:
        return tuple(rebuild(args[0], item) for item in value)
    if origin is dict:
        return {key: rebuild(args[1], item) for key, item in value.items()}
    if isinstance(hint, type) and is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        assert set(value) == {f.name for f in fields(hint)} | set(COMPUTED.get(hint, ()))
        return hint(**{f.name: rebuild(hints[f.name], value[f.name]) for f in fields(hint)})
    if hint is datetime:
        return datetime.fromisoformat(value)
    if hint is date:
        return date.fromisoformat(value)
    if hint is float:
        return float(value)
    return value


@pytest.mark.parametrize("empty", [False, True])
def test_json_round_trips_to_the_same_report(empty: bool) -> None:
    report = sample_report(empty=empty)
    data = json.loads(to_json(report))
    del data["format"], data["version"]
    assert rebuild(Report, data) == report


def test_json_writes_a_non_finite_number_as_null() -> None:
    q = replace(sample_report().questions[0], retrievability=math.inf)
    text = to_json(replace(sample_report(), questions=(q,)))
    assert json.loads(text, parse_constant=lambda name: pytest.fail(name))["questions"][0]["retrievability"] is None


# A tiny JSON Schema checker (no jsonschema installed): the keywords report_json_schema() uses.
TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
    "integer": int,
    "number": (int, float),
}


def schema_errors(
    schema: dict[str, Any], value: Any, where: str = "$", root: dict[str, Any] | None = None
) -> list[str]:
    root = root or schema
    known = {"$schema", "title", "description", "$defs", "$ref", "type", "const", "properties", "required",
             "additionalProperties", "items", "anyOf", "format"}  # fmt: skip
    assert set(schema) <= known, set(schema) - known
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return schema_errors(target, value, where, root)
    if "anyOf" in schema:
        if all(schema_errors(option, value, where, root) for option in schema["anyOf"]):
            return [f"{where}: matches no option"]
        return []
    errors: list[str] = []
    if "const" in schema and value != schema["const"]:
        errors.append(f"{where}: not {schema['const']!r}")
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        ok = any(
            isinstance(value, TYPES[n]) and not (isinstance(value, bool) and n in ("integer", "number")) for n in names
        )
        if not ok:
            return [f"{where}: {type(value).__name__} is not {names}"]
    if schema.get("format") in ("date", "date-time") and isinstance(value, str):
        try:
            parsed = (date if schema["format"] == "date" else datetime).fromisoformat(value)
            if isinstance(parsed, datetime) and parsed.tzinfo is None:
                errors.append(f"{where}: date-time without a time zone")
        except ValueError:
            errors.append(f"{where}: not a {schema['format']}")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        errors += [f"{where}: missing {key}" for key in schema.get("required", []) if key not in value]
        for key, item in value.items():
            if key in properties:
                errors += schema_errors(properties[key], item, f"{where}.{key}", root)
            elif schema.get("additionalProperties") is False:
                errors.append(f"{where}: unexpected {key}")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += schema_errors(schema["additionalProperties"], item, f"{where}.{key}", root)
    if isinstance(value, list) and "items" in schema:
        for n, item in enumerate(value):
            errors += schema_errors(schema["items"], item, f"{where}[{n}]", root)
    return errors


@pytest.mark.parametrize("empty", [False, True])
def test_json_output_follows_its_schema(empty: bool) -> None:
    assert report_json_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    json.dumps(report_json_schema())  # the schema is JSON itself
    assert schema_errors(report_json_schema(), json.loads(to_json(sample_report(empty=empty)))) == []


def test_schema_rejects_output_that_differs_from_it() -> None:
    good = json.loads(to_json(sample_report()))
    figures = good["topics"][0]["figures"]
    broken = json.loads(json.dumps(good))
    broken["format"] = "other"
    del broken["summary"]["streak_days"]
    broken["topics"][0]["figures"]["cards"] = "4"
    broken["topics"][0]["figures"]["weakness"] = {**figures["weakness"], "extra": 1}
    broken["today"] = "1 December"
    broken["generated_at"] = "2026-12-01T08:00:00"
    broken["summary"]["retention"]["all"]["total"]["rate"] = True
    assert schema_errors(report_json_schema(), broken) == [
        "$.format: not 'quizapp-report'",
        "$.generated_at: date-time without a time zone",
        "$.summary: missing streak_days",
        "$.summary.retention.all.total.rate: bool is not ['number', 'null']",
        "$.today: not a date",
        "$.topics[0].figures.cards: str is not ['integer']",
        "$.topics[0].figures.weakness: matches no option",
    ]


def test_schema_describes_every_field_and_computed_property() -> None:
    defs = report_json_schema()["$defs"]
    assert defs["PassFail"]["required"] == ["count", "failed", "passed", "rate"]
    assert defs["Figures"]["properties"]["again_rate"] == {"type": ["number", "null"]}
    assert defs["Figures"]["properties"]["weakness"] == {"anyOf": [{"$ref": "#/$defs/Weakness"}, {"type": "null"}]}
    assert defs["Summary"]["properties"]["retention"] == {
        "type": "object",
        "additionalProperties": {"$ref": "#/$defs/TrueRetention"},
    }
    assert report_json_schema()["properties"]["generated_at"] == {"type": "string", "format": "date-time"}
    assert report_json_schema()["required"][:2] == ["format", "version"]
