import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accountability.settings")
application = get_wsgi_application()

# What the process has loaded so far (Django, the apps, their modules) lives as long as it
# does: kept out of the collector's sight, a full collection no longer walks it. And a
# request that builds a page of rows with their related rows makes thousands of objects,
# which set off a young collection every 700: a worker collects less often, in larger
# steps. A panel member's draft lists (benchmarks/api_load.py, 2 connections): p99
# 222-280 ms before, 118-131 ms after, on the slower machine of benchmarks/README.md.
gc.freeze()
gc.set_threshold(20_000, 50, 100)
