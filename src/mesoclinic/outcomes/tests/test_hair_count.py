"""The trichoscopy estimate, measured on generated images with known counts, and offered
on the outcomes page as an estimate to check, never saved by itself."""

import io
import random
import statistics
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from mesoclinic.audit.models import AuditEvent
from mesoclinic.outcomes.hair_count import count_hairs, hair_estimate, synthetic_trichoscopy
from mesoclinic.outcomes.models import Measurement


def mean_error(hairs: int, images: int = 8, seed: int = 11) -> float:
    rng = random.Random(seed)
    counts = [count_hairs(synthetic_trichoscopy(rng, hairs)) for _ in range(images)]
    return statistics.mean(abs(count - hairs) / hairs for count in counts)


@pytest.mark.parametrize(("hairs", "bound"), [(10, 0.10), (20, 0.12), (40, 0.20)])
def test_the_estimate_is_close_in_a_field_of_up_to_forty_hairs(hairs, bound):
    assert mean_error(hairs) < bound


def test_a_crowded_field_is_counted_short_never_over():
    rng = random.Random(3)
    counts = [count_hairs(synthetic_trichoscopy(rng, 100)) for _ in range(5)]
    assert max(counts) < 100


def test_an_even_image_has_no_hair():
    assert count_hairs(Image.new("RGB", (320, 240), (205, 160, 140))) == 0


def test_density_is_hairs_over_the_field_of_view():
    image = synthetic_trichoscopy(random.Random(5), 10)
    estimate = hair_estimate(image, area_cm2=Decimal("0.05"))
    assert estimate.density_per_cm2 == Decimal(estimate.hairs * 20)


def png(image: Image.Image) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile("field.png", buffer.getvalue(), content_type="image/png")


def test_the_page_offers_the_estimate_to_check_and_saves_nothing(client, practitioner, completed):
    image = synthetic_trichoscopy(random.Random(5), 20)
    hairs = count_hairs(image)
    client.force_login(practitioner)

    page = client.post(
        reverse("outcomes:hair_estimate", args=[completed.plan_id]),
        {"image": png(image), "area_cm2": "0.1"},
    )

    assert page.status_code == 200
    assert f"about {hairs} hairs in 0.1 cm², so about {hairs * 10} hairs/cm²" in page.text
    assert f'name="density_per_cm2" value="{hairs * 10}"' in page.text
    assert not Measurement.objects.exists()


def test_a_non_image_is_refused_beside_the_field(client, practitioner, completed):
    client.force_login(practitioner)

    page = client.post(
        reverse("outcomes:hair_estimate", args=[completed.plan_id]),
        {"image": SimpleUploadedFile("x.png", b"not an image"), "area_cm2": "0.1"},
    )

    assert page.status_code == 400
    assert "This is not a readable image." in page.text


def test_reception_gets_no_estimate(client, reception, completed):
    client.force_login(reception)

    page = client.post(
        reverse("outcomes:hair_estimate", args=[completed.plan_id]),
        {"image": png(Image.new("RGB", (10, 10))), "area_cm2": "0.1"},
    )

    assert page.status_code == 403
    assert AuditEvent.objects.filter(actor=reception, action="denied").exists()
