"""The accessibility statement (Directive (EU) 2016/2102): what it must say, in both languages,
and the footer link to it on every page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_statement_says_status_what_is_not_accessible_method_date_contact_and_enforcement(
    client,
):
    html = client.get(reverse("accessibility")).content.decode()
    assert "<h1>Декларация за достъпност</h1>" in html
    assert "Директива (ЕС) 2016/2102" in html and "Закона за електронното управление" in html
    assert "частично съответствие" in html and "WCAG) 2.1, ниво AA" in html
    assert "EN 301 549" in html
    assert "PDF" in html and "Картите" in html  # the known non-accessible content
    assert "1 декември 2026 г." in html and "axe-core" in html and "клавиатура" in html
    assert 'href="mailto:info@eregion.example"' in html  # the operator's contact
    assert "Министерството на електронното управление" in html  # enforcement

    english = client.get("/en/accessibility/").content.decode()
    assert '<html lang="en">' in english
    assert "<h1>Accessibility statement</h1>" in english
    assert "partially compliant" in english and "Directive (EU) 2016/2102" in english
    assert "prepared on 1 December 2026" in english
    assert "Enforcement procedure" in english and "Ministry of Electronic Governance" in english


@pytest.mark.parametrize("path", ["/", "/directory/", "/ngos/", "/en/trainings/", "/en/news/"])
def test_every_page_links_the_statement_from_its_footer(client, region, path):
    html = client.get(path).content.decode()
    footer = html[html.index("<footer") :]
    link = "/en/accessibility/" if path.startswith("/en/") else "/accessibility/"
    assert f'href="{link}"' in footer
    assert ">Accessibility<" in footer if path.startswith("/en/") else ">Достъпност<" in footer
