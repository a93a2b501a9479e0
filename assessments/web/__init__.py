"""The public results site: server-rendered pages of published rounds only."""
