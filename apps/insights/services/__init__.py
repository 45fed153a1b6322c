"""The only writers of the insights tables; no domain table is written.

- rollups.py: the facts and the daily and monthly rollups behind the measures (following the event
  log, the hourly refresh, the full rebuild);
- releases.py: the public releases (each month's protected numbers, the default period), computed
  ahead of the readers by the publish task.
"""

from apps.insights.services.releases import release_basis, releases_publish
from apps.insights.services.rollups import (
    CURSOR,
    days_refresh,
    facts_refresh,
    rollups_follow,
    rollups_rebuild,
    rollups_refresh_recent,
)

__all__ = [
    "CURSOR",
    "days_refresh",
    "facts_refresh",
    "release_basis",
    "releases_publish",
    "rollups_follow",
    "rollups_rebuild",
    "rollups_refresh_recent",
]
