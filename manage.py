#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eregion.settings")
    # manage.py is the developer's tool: development settings unless DEBUG is given. The served
    # site (wsgi.py: gunicorn) stays off unless set, and docker-compose sets DEBUG=0 for all.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
