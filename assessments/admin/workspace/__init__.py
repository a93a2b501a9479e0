"""Purpose-built admin screens for the people of a panel, one per task.

- `common`: what the screens share (the round's scale in words, who and when in the
  user's language, the assessments a user works on in a round);
- `sheet`: the expert's rating sheet (her own ratings, justifications and evidence);
- `lookups`: the act → edition → article pickers the screens search with.

Each screen is a view under the admin site (`AdminSite.admin_view`), so it keeps the
admin's header, language switcher and login; every write calls a function of
services/; what a user may see comes from permissions.py.
"""
