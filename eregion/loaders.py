"""What the data loaders of every app share: all-or-nothing runs."""

import functools

from django.db import transaction

from . import pagecache


def atomic_loader(generator_function):
    """Run a loader that yields report lines to its end inside one transaction.

    ``@transaction.atomic`` on a generator function wraps only the creation of the generator:
    its body runs later, outside any transaction, so a bad row midway would leave the rows
    before it written. The decorated loader returns the report as a list instead.
    """

    @functools.wraps(generator_function)
    def load(*args, **kwargs) -> list[str]:
        with pagecache.bulk_changes(), transaction.atomic():
            return list(generator_function(*args, **kwargs))

    return load
