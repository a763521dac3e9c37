"""The read-only open-data API and its OpenAPI schema."""

import pytest
import yaml
from drf_spectacular.validation import validate_schema

LISTS = [
    "/api/v1/provinces/",
    "/api/v1/municipalities/",
    "/api/v1/settlements/",
    "/api/v1/structures/",
    "/api/v1/services/",
]


def schema(client) -> dict:
    response = client.get("/api/schema/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    try:
        return response.json()
    except ValueError:
        return yaml.safe_load(response.content)


def test_the_schema_is_a_valid_openapi_3_document(client, db):
    document = schema(client)
    assert document["openapi"].startswith("3.")
    validate_schema(document)
    for path in LISTS:
        assert path in document["paths"]


def test_every_listed_endpoint_answers_json(client, directory):
    for path, operations in schema(client)["paths"].items():
        if "get" not in operations or not path.startswith("/api/v1/"):
            continue
        url = path
        if "{" in path:
            list_url = path.split("{")[0]
            results = client.get(list_url).json()["results"]
            if not results:
                continue  # another app's endpoint with nothing published yet
            first = results[0]
            key = path.split("{")[1].split("}")[0]
            url = list_url + str(first[key]) + "/"
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/json"), url


def test_structures_filter_like_the_list(client, directory):
    data = client.get("/api/v1/structures/", {"province": "SML", "kind": "court"}).json()
    assert data["count"] == 7
    assert {s["province"] for s in data["results"]} == {"SML"}
    plovdiv = client.get("/api/v1/structures/obshtina-plovdiv/").json()
    assert plovdiv["phones"] == ["+35932656700"]
    assert plovdiv["hours"][0] == {
        "weekday": 0, "opens": "09:00:00", "closes": "17:30:00", "break_start": None,
        "break_end": None,
    }  # fmt: skip
    assert plovdiv["lat"] and plovdiv["lon"]


def test_search_through_the_api(client, directory):
    names = [
        s["name"] for s in client.get("/api/v1/structures/", {"q": "plovdiv"}).json()["results"]
    ]
    assert set(names[:2]) == {"Община Пловдив", "Областна администрация Пловдив"}


@pytest.mark.parametrize("path", LISTS)
def test_list_pages_run_a_fixed_number_of_queries(
    client, directory, path, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        assert client.get(path).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(path, {"page": 2}).status_code in (200, 404)


def test_the_browsable_index_lists_the_endpoints(client, db):
    html = client.get("/api/v1/", headers={"Accept": "text/html"}).content.decode()
    assert "/api/v1/structures/" in html
