"""Registering an organisation: the form, the seat, the logo, moderation status."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from ngofamily.models import Organisation

from .factories import OrganisationFactory, valid_eik

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name": "Сдружение „Зелени Родопи“",
        "legal_form": "association",
        "eik": valid_eik(12345678),
        "seat_name": "Смолян",
        "seat": "",
        "address": "ул. „Родопи“ 5",
        "phones": "0301 6 25 00, 0888 123 456",
        "emails": "info@zeleni.example",
        "website": "https://zeleni.example",
        "social_links": "https://facebook.com/zeleni",
        "description_format": "plain",
        "description": "Опазваме природата на Родопите.",
        "founded_year": "2004",
    }
    data.update(overrides)
    return data


def image_bytes(fmt="PNG", size=(300, 200)):
    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 80)).save(out, format=fmt)
    return out.getvalue()


def test_verified_user_registers_an_organisation_and_sees_it_pending(client, user, geo):
    client.force_login(user)
    response = client.post(reverse("ngofamily:register"), form_data(), follow=True)
    org = Organisation.objects.get(name="Сдружение „Зелени Родопи“")
    assert response.redirect_chain[-1][0] == org.get_absolute_url()
    assert org.status == Organisation.Status.PENDING
    assert org.submitted_at is not None
    assert list(org.owners.all()) == [user]
    assert org.settlement.name == "Смолян"
    assert org.province.code == "SML"
    assert org.phones == ["+35930162500", "+359888123456"]
    assert org.name_latin == "Sdruzhenie „Zeleni Rodopi“"
    page = response.content.decode()
    assert "очаква одобрение" in page.lower()


def test_wrong_check_digit_is_reported_and_every_other_field_is_kept(client, user, geo):
    client.force_login(user)
    eik = valid_eik(12345678)
    wrong = eik[:-1] + str((int(eik[-1]) + 1) % 10)
    response = client.post(reverse("ngofamily:register"), form_data(eik=wrong))
    assert response.status_code == 200
    page = response.content.decode()
    assert "грешна контролна цифра" in page
    assert 'value="Сдружение „Зелени Родопи“"' in page or "Зелени Родопи" in page
    assert "ул. „Родопи“ 5" in page
    assert "info@zeleni.example" in page
    assert "Опазваме природата на Родопите." in page
    assert 'value="2004"' in page
    assert "Моля, поправете следното" in page  # the summary on top
    assert not Organisation.objects.filter(owners=user).exists()


def test_ambiguous_seat_offers_the_candidates_without_javascript(client, user, geo):
    client.force_login(user)
    response = client.post(reverse("ngofamily:register"), form_data(seat_name="Бяла река"))
    page = response.content.decode()
    assert "изберете едно от списъка" in page
    assert page.count('name="seat" value=') >= 2


def test_seat_chosen_by_autocomplete_is_used(client, user, geo):
    client.force_login(user)
    response = client.get(reverse("ngofamily:settlement-search"), {"seat_name": "plovd"})
    assert "гр. Пловдив" in response.content.decode()
    response = client.post(
        reverse("ngofamily:register"),
        form_data(seat="56784", seat_name="гр. Пловдив (Пловдив, Пловдив)"),
    )
    assert response.status_code == 302
    assert Organisation.objects.get(owners=user).settlement.ekatte == "56784"


def test_save_as_draft_then_submit(client, user, geo):
    client.force_login(user)
    client.post(reverse("ngofamily:register"), {**form_data(), "save_draft": "1"})
    org = Organisation.objects.get(owners=user)
    assert org.status == Organisation.Status.DRAFT
    client.post(reverse("ngofamily:submit", args=[org.slug]))
    org.refresh_from_db()
    assert org.status == Organisation.Status.PENDING


def test_logo_is_checked_by_content_and_re_encoded(client, user, geo):
    client.force_login(user)
    logo = SimpleUploadedFile("logo.png", image_bytes("PNG", (3000, 1500)), "image/png")
    response = client.post(reverse("ngofamily:register"), {**form_data(), "logo": logo})
    assert response.status_code == 302
    org = Organisation.objects.get(owners=user)
    with Image.open(org.logo.open("rb")) as img:
        assert img.format == "PNG"
        assert max(img.size) == 1024


def test_a_file_pretending_to_be_a_png_is_rejected(client, user, geo):
    client.force_login(user)
    fake = SimpleUploadedFile("logo.png", b"<?php echo 1; ?>" * 10, "image/png")
    response = client.post(reverse("ngofamily:register"), {**form_data(), "logo": fake})
    assert response.status_code == 200
    assert not Organisation.objects.filter(owners=user).exists()


def test_gif_and_too_large_logos_are_rejected(geo):
    from django.core.exceptions import ValidationError

    from ngofamily.forms import reencode_logo

    gif = SimpleUploadedFile("logo.gif", image_bytes("GIF"), "image/gif")
    with pytest.raises(ValidationError, match="PNG, JPEG или WebP"):
        reencode_logo(gif)
    big = SimpleUploadedFile("big.png", b"\0" * (2 * 1024 * 1024 + 1), "image/png")
    with pytest.raises(ValidationError, match="2 MB"):
        reencode_logo(big)


def test_markdown_description_is_sanitised():
    org = Organisation(
        name="X",
        description_format="markdown",
        description="**Важно** <script>alert(1)</script> [връзка](javascript:alert(1))",
    )
    html = str(org.render_description())  # what save() stores for the pages
    assert "<strong>Важно</strong>" in html
    assert "<script>" not in html
    assert "javascript:" not in html


def test_plain_description_is_escaped():
    org = Organisation(name="X", description="<b>не</b>\n\nвтори абзац")
    html = str(org.render_description())  # what save() stores for the pages
    assert "&lt;b&gt;" in html
    assert html.count("<p>") == 2


def test_eik_of_a_registered_organisation_cannot_be_registered_twice(client, user, geo):
    OrganisationFactory(eik=valid_eik(12345678), owners=[user])
    other = type(user).objects.create_user("b@example.org", "pw-long-enough-1", email_verified=True)
    client.force_login(other)
    response = client.post(reverse("ngofamily:register"), form_data())
    assert "вече е регистрирана" in response.content.decode()
    assert Organisation.objects.filter(eik=valid_eik(12345678)).count() == 1
    assert not Organisation.objects.filter(owners=other).exists()


def test_rejected_organisation_can_be_corrected_and_resubmitted(client, user, geo):
    org = OrganisationFactory(
        status=Organisation.Status.REJECTED, status_reason="Липсва адрес.", owners=[user]
    )
    client.force_login(user)
    page = client.get(reverse("ngofamily:edit", args=[org.slug])).content.decode()
    assert "Липсва адрес." in page
    response = client.post(
        reverse("ngofamily:edit", args=[org.slug]),
        {**form_data(eik=org.eik, name=org.name), "submit": "1"},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.status == Organisation.Status.PENDING
    assert org.status_reason == ""
    assert org.history.count() >= 2


def test_a_prefix_of_the_seat_asks_to_choose_among_the_matches(client, user, geo):
    client.force_login(user)
    page = client.post(
        reverse("ngofamily:register"), form_data(seat_name="бяла р")
    ).content.decode()
    assert "Уточнете населеното място" in page
    assert 'value="07689"' in page and 'value="07675"' in page


def test_unknown_seat_is_reported(client, user, geo):
    client.force_login(user)
    page = client.post(reverse("ngofamily:register"), form_data(seat_name="Атлантида")).content
    assert "Не намерихме населено място „Атлантида“" in page.decode()


def test_settlement_search_answers_json_too(client, geo):
    data = client.get(
        reverse("ngofamily:settlement-search"), {"q": "byala r", "format": "json"}
    ).json()
    assert {r["ekatte"] for r in data["results"]} == {"07689", "07675"}
    assert data["results"][0]["label"].startswith("с. Бяла река (")


def test_english_organisation_page_uses_latin_names(client, geo):
    org = OrganisationFactory(name="Сдружение „Зелени Родопи“", settlement=geo["smolyan"])
    page = client.get(f"/en{org.get_absolute_url()}").content.decode()
    assert '<h1 class="mb-1">Sdruzhenie „Zeleni Rodopi“</h1>' in page
    assert "Smolyan province" in page


def test_a_logo_that_unpacks_to_a_huge_image_is_rejected():
    from django.core.exceptions import ValidationError

    from ngofamily.forms import reencode_logo

    bomb = SimpleUploadedFile("bomb.png", image_bytes("PNG", (8000, 8000)), "image/png")
    assert bomb.size < 2 * 1024 * 1024
    with pytest.raises(ValidationError, match="пиксела"):
        reencode_logo(bomb)


def sparse_png(width, height):
    """A valid black PNG of ``width``×``height`` made row by row: ~100 KB for 6000×6000, the
    size of the logo that took a gunicorn worker from 124 to 443 MB (issue 20)."""
    import struct
    import zlib

    def chunk(kind, data):
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    packer = zlib.compressobj(9)
    row = bytes(1 + 3 * width)
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_a_6000_pixel_logo_is_refused_from_its_header_before_decoding(
    client, user, geo, monkeypatch
):
    from PIL import ImageFile

    def no_decoding(self):
        raise AssertionError("the logo's pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    client.force_login(user)
    data = sparse_png(6000, 6000)
    assert len(data) < 200 * 1024
    logo = SimpleUploadedFile("logo.png", data, "image/png")
    response = client.post(reverse("ngofamily:register"), {**form_data(), "logo": logo})
    assert response.status_code == 200
    assert "Логото е 6000×6000 пиксела; допустимо е до 4000 пиксела на страна." in (
        response.content.decode()
    )
    assert not Organisation.objects.filter(owners=user).exists()


def test_a_large_camera_jpeg_is_decoded_at_reduced_scale(geo):
    from ngofamily.forms import reencode_logo

    photo = SimpleUploadedFile("cover.jpg", image_bytes("JPEG", (6000, 4000)), "image/jpeg")
    with Image.open(reencode_logo(photo)) as img:
        assert (img.format, img.size) == ("JPEG", (1024, 683))


def test_staff_logo_uploads_in_the_admin_are_checked_too(client, staff_user, geo):
    org = OrganisationFactory()
    client.force_login(staff_user)
    url = reverse("admin:ngofamily_organisation_change", args=[org.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "logo"}
    data["logo"] = SimpleUploadedFile("logo.png", sparse_png(6000, 6000), "image/png")
    response = client.post(url, data)
    assert "допустимо е до 4000 пиксела на страна" in response.content.decode()
    org.refresh_from_db()
    assert not org.logo
