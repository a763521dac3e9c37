"""The production cache backend (``eregion.cache.RedisCache``) on a real Redis: what it stores
reads back, through the pool and through ``get_direct``; a dropped connection is made again;
and the page cache serves and replaces pages on it."""

import os

import pytest
import redis
from django.core.cache import caches
from django.test import Client

from ngofamily.models import Organisation
from tests.conftest import REDIS_URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings):
    """The default cache on its own Redis database (one per xdist process), emptied after."""
    base, _, number = REDIS_URL.rpartition("/")
    process = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    settings.CACHES = {
        "default": {
            "BACKEND": "eregion.cache.RedisCache",
            "LOCATION": f"{base}/{int(number or 0) + 10 + process}",
        }
    }
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


def test_values_read_back_through_the_pool_and_directly(redis_cache):
    redis_cache.set("number", 1765000000000)
    redis_cache.set("page", {"content": "Пловдив".encode(), "headers": {}})
    assert redis_cache.get("number") == redis_cache.get_direct("number") == 1765000000000
    assert redis_cache.get_direct("page") == {"content": "Пловдив".encode(), "headers": {}}
    assert redis_cache.get_direct("missing", "default") == "default"
    assert redis_cache.incr("number") == 1765000000001
    assert redis_cache.get_direct("number") == 1765000000001
    client = redis_cache._cache.get_client()
    assert client is redis_cache._cache.get_client()  # one client, not one per call


def test_a_dropped_connection_is_made_again(redis_cache):
    redis_cache.set("number", 7)
    assert redis_cache.get_direct("number") == 7
    _pid, connection = redis_cache._direct
    client = redis_cache._cache.get_client()
    client.execute_command("CLIENT", "KILL", "ID", _client_id(connection))
    with pytest.raises(redis.ConnectionError):  # the first read after the kill fails
        redis_cache.get_direct("number")
    assert redis_cache.get_direct("number") == 7  # a new connection


def _client_id(connection):
    connection.send_command("CLIENT", "ID")
    return connection.read_response()


def test_the_page_cache_on_redis_serves_and_replaces_pages(redis_cache, region):
    organisation = Organisation.objects.published().order_by("pk").first()
    url = organisation.get_absolute_url()
    assert Client().get(url)["X-Page-Cache"] == "miss"
    assert Client().get(url)["X-Page-Cache"] == "hit"
    organisation.name = "Сдружение „Ново име“"
    organisation.save()
    response = Client().get(url)
    assert response["X-Page-Cache"] == "miss" and "Ново име" in response.content.decode()
