"""The admin site: model pages, and the tools beside them.

- `reference`: the accountability system and its evidence (methodology, subjects,
  pairs, processes, legal acts);
- `rounds`: rounds and their lifecycle, panels, what a round concludes;
- `ratings`: process assessments, consensus and expert ratings, citations;
- `discussion`: threads and their comments;
- `tools/`: compare rounds, charts, import and export (mounted in accountability/urls.py).

Every save calls a function of services.py; what a user may see comes from permissions.py.
"""

from . import discussion, ratings, reference, rounds  # noqa: F401  (registers the model admins)
