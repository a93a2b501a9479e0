"""The admin's tools beside the model pages: compare rounds, charts, import and export.

Mounted by urls.py at /<lang>/admin/assessments/tools/, every view behind admin.site.admin_view
(an active admin user). The views are thin: reads come from comparison.py, selectors/ and
charts.py, writes from exchange/imports.py (which calls services/), files from
exchange/resources.py and exchange/packages.py. What a user may see or change is decided by
permissions.py and the services, as everywhere.
"""
