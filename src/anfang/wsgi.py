"""WSGI entry point (tests' live server, other WSGI hosts)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anfang.settings")
application = get_wsgi_application()
