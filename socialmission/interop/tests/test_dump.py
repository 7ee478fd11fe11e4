"""``socialmission dump``: the public library as CSL-JSON, CSV and vocabularies, and nothing else."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.core.management import CommandError, call_command

from socialmission.bibliography.formats import parse_file
from socialmission.bibliography.record import Record
from socialmission.interop.tests.protocol_data import tagged_resource
from socialmission.library import models as m

pytestmark = pytest.mark.django_db

CSL_SCHEMA = (
    Path(__file__).parents[2] / "bibliography" / "tests" / "conformance" / "specs" / "csl-data.json"
)


def dump(output: Path) -> str:
    out = StringIO()
    call_command("dump", "--output", str(output), stdout=out)
    return out.getvalue()


def test_dump_writes_the_public_library(tmp_path: Path, django_user_model: Any) -> None:
    curator = django_user_model.objects.create_user(
        username="cur", email="curator-secret@example.org"
    )
    first = tagged_resource(
        title="Holistic admissions",
        domains=("community-engagement",),
        professions=("nursing", "medicine"),
        curated_by=curator,
        need="Internal note on need",
    )
    second = tagged_resource(
        title="Rural track toolkit", type_slug="toolkit", authors=[{"literal": "AAMC"}], doi=""
    )
    tagged_resource(title="Draft resource", status=m.Resource.Status.DRAFT)
    tagged_resource(title="Withdrawn resource", status=m.Resource.Status.WITHDRAWN)
    output = tmp_path / "nested" / "dump"

    message = dump(output)

    assert "Wrote 2 published resources" in message
    assert sorted(p.name for p in output.iterdir()) == [
        "library.csl.json",
        "library.csv",
        "vocabularies.json",
    ]
    items = json.loads((output / "library.csl.json").read_text(encoding="utf-8"))
    jsonschema.validate(items, json.loads(CSL_SCHEMA.read_text(encoding="utf-8")))
    assert [i["title"] for i in items] == ["Holistic admissions", "Rural track toolkit"]
    assert items[0]["id"] == f"smrl{first.pk}"
    assert items[0]["DOI"] == first.doi
    assert items[1]["author"] == [{"literal": "AAMC"}]

    with (output / "library.csv").open("rb") as stream:
        records = list(parse_file(stream, "csv", filename="library.csv"))
    assert all(isinstance(r, Record) for r in records)
    assert [r.title for r in records] == ["Holistic admissions", "Rural track toolkit"]
    assert records[0].domains == ["Community Engagement"]
    assert sorted(records[0].professions) == ["Medicine", "Nursing"]
    assert records[1].resource_type == "Toolkit"

    vocabularies = json.loads((output / "vocabularies.json").read_text(encoding="utf-8"))
    assert set(vocabularies) == {"type", "domain", "topic", "profession", "evidence"}
    domain = next(t for t in vocabularies["domain"] if t["slug"] == "community-engagement")
    assert domain["name"] == "Community Engagement" and domain["description"]

    everything = "".join(p.read_text(encoding="utf-8") for p in output.iterdir())
    for private in (
        "curator-secret",
        "Internal note on need",
        "Draft resource",
        "Withdrawn resource",
    ):
        assert private not in everything
    assert second.title in everything


def test_dump_replaces_an_earlier_dump(tmp_path: Path) -> None:
    tagged_resource(title="First")
    dump(tmp_path)
    m.Resource.objects.update(status=m.Resource.Status.DRAFT)
    tagged_resource(title="Second")
    dump(tmp_path)
    items = json.loads((tmp_path / "library.csl.json").read_text(encoding="utf-8"))
    assert [i["title"] for i in items] == ["Second"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_dump_of_an_empty_library(tmp_path: Path) -> None:
    assert "Wrote 0 published resources" in dump(tmp_path)
    assert json.loads((tmp_path / "library.csl.json").read_text(encoding="utf-8")) == []
    assert (tmp_path / "library.csv").read_text(encoding="utf-8").startswith("title,authors,")


def test_dump_into_an_unwritable_place(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(CommandError, match="Cannot create the folder"):
        dump(blocker / "dump")
