"""Django's Redis cache backend, keeping one ``redis.Redis`` client per connection pool, with a
plain ``GET`` for the page cache's data version.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache call, and
redis-py's constructor fills a table of some 170 response callbacks each time: about 150 µs of
CPU per call, more than the round trip itself and most of what a page-cache hit cost. The
client is a thin, thread-safe front of its pool, so one per pool does the same work.

``get_direct`` reads one key on a connection the backend keeps to itself (Django's cache
backends are per thread): no pool checkout, retry or instrumentation layers, 40 µs of CPU
instead of 90. A failure drops the connection and raises, as ``get`` does.
"""

import os

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._direct = None  # (pid, connection)

    def get_direct(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        kept = self._direct
        if kept is None or kept[0] != os.getpid():  # none yet, or made before a fork
            pool = self._cache._get_connection_pool(write=False)
            kept = self._direct = (os.getpid(), pool.connection_class(**pool.connection_kwargs))
        connection = kept[1]
        try:
            connection.send_command("GET", key)
            value = connection.read_response()
        except Exception:
            connection.disconnect()
            self._direct = None
            raise
        return default if value is None else self._cache._serializer.loads(value)
