import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from mesoclinic.patients.icd10 import icd10_catalog, parse_catalog, validate_icd10


@pytest.mark.parametrize("code", ["L64.9", "E11.9", "I10", "Z79.01", "L63", "E11.65"])
def test_well_formed_codes_are_accepted(code):
    validate_icd10(code)


@pytest.mark.parametrize("code", ["", "diabetes", "L6", "64.9", "L64.", "L64.12345", "l64.9"])
def test_malformed_codes_are_refused(code):
    with pytest.raises(ValidationError):
        validate_icd10(code)


def test_the_shipped_catalog_has_a_version_a_source_and_the_hair_loss_causes():
    catalog = icd10_catalog()
    assert catalog.version
    assert catalog.source.startswith("WHO ICD-10")
    for code in ["L64.9", "L63.9", "L65.0", "L66.1", "B35.0", "F63.3", "E28.2", "D50.9"]:
        assert code in catalog.titles


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- just a list", "expected a mapping"),
        ("version: 1\nsource: x\n", "'codes' is missing"),
        ("version: 1\nsource: x\ncodes:\n  - {code: L64.9}\n", "entry 1"),
        ("version: 1\nsource: x\ncodes:\n  - {code: hair, title: t}\n", "entry 1"),
        (
            "version: 1\nsource: x\ncodes:\n  - {code: I10, title: a}\n  - {code: I10, title: b}\n",
            "I10 is listed twice",
        ),
    ],
)
def test_a_broken_catalog_names_the_file_and_entry(text, message):
    with pytest.raises(ImproperlyConfigured, match=message) as refused:
        parse_catalog(text, origin="icd10.yaml")
    assert str(refused.value).startswith("icd10.yaml:")
