"""docs/match-record.md documents every field of the record and every CSV column."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from bot.review import record
from bot.review.export_csv import COLUMNS
from bot.review.gradebook import GRADEBOOK_COLUMNS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "match-record.md").read_text()
MODELS = [
    cls
    for _, cls in inspect.getmembers(record, inspect.isclass)
    if issubclass(cls, record.Model) and cls is not record.Model
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_is_documented(model: type[record.Model]) -> None:
    assert f"`{model.__name__}`" in DOC
    missing = [f for f in model.model_fields if f"`{f}`" not in DOC]
    assert missing == []


def test_every_csv_column_is_documented() -> None:
    assert [c for c in COLUMNS if f"`{c}`" not in DOC] == []
    assert [c for c in GRADEBOOK_COLUMNS if f"`{c}`" not in DOC] == []


def test_the_doc_names_the_current_version() -> None:
    assert f"version {record.RECORD_VERSION})" in DOC.splitlines()[0]
    assert f"| {record.RECORD_VERSION} |" in DOC
