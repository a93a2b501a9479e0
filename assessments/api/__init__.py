"""REST API v1 (/api/v1/): serializers and views that only translate; domain work is in services."""
