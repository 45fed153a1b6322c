"""Supervisor admin for call types, incidents, assignments and encounters.

Incidents are created and edited through the incidents services, so the admin keeps the same
rules, timeline and events as the board. Assignments, timelines and encounters are read-only here:
they are the record of a response. Opening an incident or an encounter holds people's details, so
each opening is written to the audit log with the door "admin".

Importing the package registers every admin: call_types.py, incidents.py, encounters.py.
"""

from apps.incidents.admin import call_types, encounters, incidents

__all__ = ["call_types", "encounters", "incidents"]
