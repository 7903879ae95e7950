"""HTML is sent gzip-compressed, except responses that may echo the request (BREACH)."""

import gzip

import pytest
from django.urls import reverse

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate"}


@pytest.mark.django_db
def test_plain_pages_are_compressed(staff_client, client):
    response = staff_client.get(reverse("members:member_list"), **GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert "<html" in gzip.decompress(response.content).decode()
    login = client.get(reverse("login"), **GZIP)
    assert login["Content-Encoding"] == "gzip"


@pytest.mark.django_db
def test_a_page_echoing_a_search_is_not_compressed(staff_client):
    response = staff_client.get(reverse("members:member_list"), {"q": "林"}, **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert "林" in response.content.decode()


@pytest.mark.django_db
def test_a_form_coming_back_is_not_compressed(staff_client):
    response = staff_client.post(reverse("members:member_create"), {"name": ""}, **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


@pytest.mark.django_db
def test_workbooks_are_not_compressed_again(staff_client):
    response = staff_client.get(reverse("roster:roster_template"), **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
