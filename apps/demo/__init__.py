"""The demo program: the fictional city of Riverton, its teams, logins, a week of calls and a year before it.

Everything is written through the real services so the timeline, unit history, events and audit
look exactly like a program that has been running for a week. A seeded random generator makes
the data identical on every machine, and stable keys (usernames, call signs, call-type codes,
`external_id` "demo-<n>") make a second run a no-op.

Services stamp encounters and cancellations with the wall clock; for past calls those stamps are
moved back to the call's own time afterwards. Audit rows and events keep the real load time.

The thirteen months before the week (apps/demo/archive/) are written in bulk instead: some 19,000
calls through the services would take many minutes. They carry `external_id` "archive-<n>", no
audit rows and no events.

This app sits on top: it imports every app it seeds and none imports it. `loader.py` runs the whole
load (`manage.py load_demo`); the other modules are split by what they seed.
"""
