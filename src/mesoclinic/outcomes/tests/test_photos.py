"""Photos: only real images under the limits, stripped of metadata, stored outside the web
root under a random name, shown only to who may see the record, compared by view."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.tests.factories import make_user
from mesoclinic.outcomes.models import Photo
from mesoclinic.outcomes.photos import photo_path
from mesoclinic.outcomes.services import photo_upload
from mesoclinic.patients.services import patient_login_link

GPS_TAG = 0x8825


@pytest.fixture(autouse=True)
def photo_dir(settings, tmp_path):
    settings.MESOCLINIC_PHOTO_DIR = tmp_path / "photos"
    return settings.MESOCLINIC_PHOTO_DIR


def jpeg(
    name="scalp.jpg", size=(640, 480), with_gps=True, colour=(180, 140, 120)
) -> SimpleUploadedFile:
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    if with_gps:
        exif[0x010F] = "PhoneMaker"  # camera make
        exif[GPS_TAG] = {1: "N", 2: (41.0, 2.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def upload(actor, session, file, view="vertex"):
    return photo_upload(actor=actor, upload=file, view=view, session=session)


def test_a_photo_is_stored_outside_the_web_root_without_its_exif(
    practitioner, completed, photo_dir, settings
):
    photo = upload(practitioner, completed, jpeg(name="../../etc/passwd.jpg"))

    stored = photo_path(photo.file_name)
    assert stored.parent == photo_dir
    assert "passwd" not in photo.file_name
    assert not str(stored).startswith(str(settings.STATIC_ROOT))
    with Image.open(stored) as saved:
        assert saved.getexif() == {}
        assert saved.size == (640, 480)
    with Image.open(photo_path(photo.thumbnail_name)) as thumbnail:
        assert max(thumbnail.size) == 320


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (SimpleUploadedFile("notes.jpg", b"%PDF-1.4 not an image"), "not a readable image"),
        (SimpleUploadedFile("empty.jpg", b""), "The file is empty."),
    ],
)
def test_a_file_that_is_not_an_image_is_refused(practitioner, completed, photo_dir, file, message):
    with pytest.raises(ValidationError, match=message):
        upload(practitioner, completed, file)

    assert not Photo.objects.exists()
    assert not photo_dir.exists() or not list(photo_dir.glob("*"))


def test_an_oversized_photo_is_refused(practitioner, completed, settings):
    settings.MESOCLINIC_PHOTO_MAX_BYTES = 1000

    with pytest.raises(ValidationError, match="larger than"):
        upload(practitioner, completed, jpeg())
    assert not Photo.objects.exists()


def test_a_gif_is_refused_by_format(practitioner, completed):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")

    with pytest.raises(ValidationError, match="A GIF file is not accepted"):
        upload(practitioner, completed, SimpleUploadedFile("a.gif", buffer.getvalue()))


def test_reception_uploads_no_photo(reception, completed):
    with pytest.raises(PermissionDenied):
        upload(reception, completed, jpeg())


def test_a_patient_sees_their_own_photos_and_no_one_else_s(
    client, practitioner, completed, patient_a
):
    photo = upload(practitioner, completed, jpeg())
    url = reverse("outcomes:photo_file", args=[photo.pk, "full"])
    owner = make_user(Role.PATIENT, [], username="owner")
    patient_login_link(actor=practitioner, patient=completed.patient, user=owner)
    stranger = make_user(Role.PATIENT, [], username="stranger")
    patient_login_link(actor=practitioner, patient=patient_a, user=stranger)

    client.force_login(owner)
    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(stranger)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    assert client.get(f"/outcomes/photos/{photo.pk}/..%2F..%2Fsettings.jpg").status_code == 404


def test_the_same_view_is_compared_across_visits_with_dates(client, practitioner, completed):
    baseline = photo_upload(
        actor=practitioner,
        upload=jpeg(),
        view="vertex",
        consultation=completed.plan.consultation,
    )
    later = upload(practitioner, completed, jpeg())
    upload(practitioner, completed, jpeg(), view="frontal")
    client.force_login(practitioner)

    page = client.get(reverse("outcomes:photos", args=[completed.plan_id]), {"view": "vertex"})

    columns = page.context["columns"]
    assert [(column.label, column.photo) for column in columns] == [
        ("Baseline", baseline),
        ("Session 1", later),
    ]


def test_an_upload_through_the_page_lands_in_the_comparison(client, practitioner, completed):
    client.force_login(practitioner)

    response = client.post(
        reverse("outcomes:photo_add", args=[completed.plan_id]),
        {
            "visit": str(completed.pk),
            "view": "vertex",
            "taken_on": "2026-11-23",
            "image": jpeg(),
        },
    )

    assert response.status_code == 302
    assert Photo.objects.get().session == completed


def test_a_non_image_through_the_page_is_shown_beside_the_field(client, practitioner, completed):
    client.force_login(practitioner)

    response = client.post(
        reverse("outcomes:photo_add", args=[completed.plan_id]),
        {
            "visit": str(completed.pk),
            "view": "vertex",
            "taken_on": "2026-11-23",
            "image": SimpleUploadedFile("x.jpg", b"<script>alert(1)</script>"),
        },
    )

    assert response.status_code == 400
    assert "This is not a readable image." in response.text


def test_the_outcomes_page_shows_each_photo_s_thumbnail(client, practitioner, completed):
    photo = upload(practitioner, completed, jpeg(), view="occipital")
    client.force_login(practitioner)

    page = client.get(reverse("outcomes:plan", args=[completed.plan_id]))

    assert reverse("outcomes:photo_file", args=[photo.pk, "thumbnail"]) in page.text
    assert "Occipital</strong> · Session 1" in page.text
