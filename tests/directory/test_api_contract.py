"""The API keeps its OpenAPI contract: schemathesis generates requests from /api/schema/ for
every operation, with valid and with invalid parameters, and runs all its checks on the
answers (no 5xx, status codes, content types and bodies as documented, invalid input refused,
valid input accepted). Examples are bounded and derandomised: the same cases every run."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable

EXAMPLES = 10


@pytest.fixture
def wsgi_app():
    """The real WSGI application, keeping the test's database connection (and transaction)
    open between requests as Django's test client does."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_every_operation_keeps_the_contract(region, settings, wsgi_app):
    settings.ALLOWED_HOSTS = ["*"]  # schemathesis asks as "localhost"
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12  # five directory lists and details, the organisations
    failures = []
    for operation in operations:
        for mode in schemathesis.GenerationMode:

            @hypothesis_settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(operation.as_strategy(generation_mode=mode))
            def check(case):
                case.call_and_validate()

            try:
                check()
            except Unsatisfiable:
                continue  # no invalid value exists (a path of any string): nothing to send
            except (Exception, BaseExceptionGroup) as exc:  # one run names every failure
                failures.append(f"{operation.label} ({mode.value}): {exc}"[:1500])
    assert not failures, "\n\n".join(failures)


pytestmark = pytest.mark.django_db
