"""The operator's commands: load_instrument, assessment_import, assessment_export, assessment_demo."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpRequest
from django.test import Client

from socialmission.assessment import selectors
from socialmission.assessment.models import Answer, Cycle, Institution, InstrumentVersion
from socialmission.assessment.tests import factories as f

pytestmark = pytest.mark.django_db

HEADER = "institution,year,instrument,indicator,answer,comment,professions\n"


def _run(name: str, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_load_instrument_is_idempotent_and_refuses_a_changed_answered_file(tmp_path: Path) -> None:
    path = tmp_path / "test.yaml"
    path.write_text(f.INSTRUMENT_YAML)
    assert "Loaded instrument test-2027" in _run("load_instrument", str(path))[0]
    assert "already loaded and unchanged" in _run("load_instrument", str(path))[0]
    f.cycle(f.institution(), {"CE-1": "10"})
    path.write_text(f.INSTRUMENT_YAML.replace("How many pathway", "How many"))
    with pytest.raises(CommandError, match="a published version never changes"):
        _run("load_instrument", str(path))
    assert InstrumentVersion.objects.get().source == f.INSTRUMENT_YAML


def test_load_instrument_names_the_place_of_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(f.INSTRUMENT_YAML.replace("score: 0.25", "score: 2"))
    with pytest.raises(CommandError, match=r"options\[1\]\.score"):
        _run("load_instrument", str(path))


def test_import_creates_institutions_fills_and_submits(tmp_path: Path) -> None:
    f.instrument()
    path = tmp_path / "answers.csv"
    path.write_text(
        HEADER
        + "Imported U,2027,test-2027,PAG-1,evaluated,From the dean,nursing;medicine\n"
        + "Imported U,2027,test-2027,PAG-2,yes,,\n"
        + "Imported U,2027,test-2027,PAG-3,,,\n"
    )
    out, _err = _run("assessment_import", str(path), "--create-institutions", "--submit")
    assert "Imported 2 answer(s) into 1 cycle(s); created 1 institution(s); submitted 1" in out
    institution = Institution.objects.get(name="Imported U")
    assert set(institution.professions.values_list("slug", flat=True)) == {"nursing", "medicine"}
    cycle = Cycle.objects.get(institution=institution)
    assert cycle.is_submitted
    assert Answer.objects.get(cycle=cycle, indicator="PAG-1").comment == "From the dean"


def test_import_rejections_list_line_numbers_and_write_nothing(tmp_path: Path) -> None:
    f.instrument()
    f.institution("Known U")
    submitted = f.cycle(f.institution("Locked U"), {"PAG-1": "none"}, submitted=True)
    path = tmp_path / "answers.csv"
    path.write_text(
        HEADER
        + "Known U,2027,test-2027,PAG-1,planning,,\n"  # 2: fine
        + "Unknown U,2027,test-2027,PAG-1,planning,,\n"  # 3
        + "Known U,20x7,test-2027,PAG-1,planning,,\n"  # 4
        + "Known U,2027,nope-1,PAG-1,planning,,\n"  # 5
        + "Known U,2027,test-2027,ZZ-1,planning,,\n"  # 6
        + "Known U,2027,test-2027,PAG-1,maybe,,\n"  # 7
        + "Known U,2027,test-2027,PAG-3,ten,,\n"  # 8
        + "Known U,2027,test-2027,PAG-1,none,,\n"  # 9: repeats line 2
        + "Locked U,2027,test-2027,PAG-2,yes,,\n"  # 10
        + ",2027,test-2027,PAG-2,yes,,\n"  # 11
    )
    with pytest.raises(CommandError, match="9 row\\(s\\) rejected; nothing was imported"):
        _out, err = _run("assessment_import", str(path))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("assessment_import", str(path), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue()
    for line, reason in [
        (3, "unknown institution 'Unknown U'"),
        (4, "is not a year"),
        (5, "unknown instrument 'nope-1'"),
        (6, "indicator 'ZZ-1' is not in test-2027"),
        (7, "maybe is not one of the answers"),
        (8, "Enter a number"),
        (9, "repeats indicator PAG-1 of line 2"),
        (10, "is submitted; reopen it first"),
        (11, "no institution"),
    ]:
        assert f"line {line}: " in lines and reason in lines, (line, reason, lines)
    assert "line 2:" not in lines
    assert not Answer.objects.exclude(cycle=submitted).exists()
    assert not Cycle.objects.filter(institution__name="Known U").exists()


def test_import_refuses_a_file_without_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "answers.csv"
    path.write_text("school,year\nX,2027\n")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("assessment_import", str(path), stdout=io.StringIO(), stderr=err)
    assert "missing columns: institution, instrument, indicator, answer" in err.getvalue()


def test_import_with_unknown_professions_is_rejected(tmp_path: Path) -> None:
    f.instrument()
    path = tmp_path / "answers.csv"
    path.write_text(HEADER + "New U,2027,test-2027,PAG-1,none,,astrology\n")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "assessment_import",
            str(path),
            "--create-institutions",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "line 2: unknown professions: astrology" in err.getvalue()
    assert not Institution.objects.filter(name="New U").exists()


def test_export_gives_the_answers_and_the_scores() -> None:
    cycle = f.cycle(f.institution("Export U"), f.FULL_ANSWERS)
    out, _err = _run("assessment_export", "--institution", "export u", "--year", "2027")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["indicator"]: r["answer"] for r in rows} == f.FULL_ANSWERS
    out, _err = _run("assessment_export", "--institution", "Export U", "--year", "2027", "--scores")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "level",
        "id",
        "title",
        "score",
        "coverage",
        "quartile_all",
        "stars_all",
        "quartile_profession",
        "stars_profession",
    ]
    overall = rows[0]
    assert (overall["level"], overall["score"], overall["coverage"]) == ("overall", "59.4", "1.00")
    assert overall["quartile_all"] == "" and overall["stars_all"] == ""
    with pytest.raises(CommandError, match="No cycle"):
        _run("assessment_export", "--institution", "Export U", "--year", "2020")
    assert selectors.report(cycle).overall.score.value == pytest.approx(59.375)


def test_demo_is_refused_without_debug_unless_forced(settings: object) -> None:
    settings.DEBUG = False  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="DEBUG is off"):
        _run("assessment_demo")
    assert not Institution.objects.exists()


def test_demo_creates_a_dozen_schools_and_a_lead_who_can_read_a_full_report() -> None:
    out, _err = _run("assessment_demo", "--force", "--year", "2027")
    demo = Institution.objects.filter(name__startswith="Demo ")
    assert demo.count() >= 12 and demo.count() == Institution.objects.count()
    assert len({p for i in demo for p in i.professions.values_list("slug", flat=True)}) >= 6
    for institution in demo:
        assert institution.cycles.filter(status="submitted").count() == 2
    password = out.split("with password ")[1].split()[0]
    report_path = "/assessment/" + out.split("/assessment/")[1].strip()
    client = Client()
    # The sign-in throttle (django-axes) needs the request that signs in.
    assert client.login(request=HttpRequest(), username="demo-lead", password=password)
    page = client.get(report_path).content.decode()
    assert "of 4 stars" in page and "points since 2026" in page
    again, _err = _run("assessment_demo", "--force", "--year", "2027")
    assert "0 cycles created" in again and Institution.objects.count() == demo.count()
