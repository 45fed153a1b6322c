"""The program's own rules and limits (FIRSTLINE_*), each readable from the environment.

Imported by base.py; dev, test and production only choose other defaults.
"""

from datetime import timedelta

from config.settings.environment import env, env_bool, env_int, env_list

# Response-time targets per priority in minutes, used until an eligibility policy sets its own.
FIRSTLINE_RESPONSE_TARGET_MINUTES = {1: 10, 2: 20, 3: 45, 4: 120}
FIRSTLINE_ACK_LIMIT_SECONDS = env_int("FIRSTLINE_ACK_LIMIT_SECONDS", 60)
FIRSTLINE_STREAM_RETENTION = timedelta(days=env_int("FIRSTLINE_STREAM_RETENTION_DAYS", 14))
# The live stream's limits (docs/streams.md). Poll 0 = automatic: 0.3 s embedded, 2 s with Redis.
FIRSTLINE_STREAM_PING_SECONDS = float(env("FIRSTLINE_STREAM_PING_SECONDS", "30"))
FIRSTLINE_STREAM_HELLO_TIMEOUT_SECONDS = float(env("FIRSTLINE_STREAM_HELLO_TIMEOUT_SECONDS", "10"))
FIRSTLINE_STREAM_RECHECK_SECONDS = float(env("FIRSTLINE_STREAM_RECHECK_SECONDS", "300"))
FIRSTLINE_STREAM_MAX_FRAME_BYTES = env_int("FIRSTLINE_STREAM_MAX_FRAME_BYTES", 16384)
FIRSTLINE_STREAM_RATE_BURST = env_int("FIRSTLINE_STREAM_RATE_BURST", 300)
FIRSTLINE_STREAM_RATE_PER_SECOND = float(env("FIRSTLINE_STREAM_RATE_PER_SECOND", "60"))
FIRSTLINE_STREAM_MAX_STREAMS = env_int("FIRSTLINE_STREAM_MAX_STREAMS", 50)
FIRSTLINE_STREAM_POLL_SECONDS = float(env("FIRSTLINE_STREAM_POLL_SECONDS", "0"))
# Intake: duplicate detection window and Open311 defaults.
FIRSTLINE_DUPLICATE_DISTANCE_METERS = env_int("FIRSTLINE_DUPLICATE_DISTANCE_METERS", 200)
FIRSTLINE_DUPLICATE_MINUTES = env_int("FIRSTLINE_DUPLICATE_MINUTES", 60)
FIRSTLINE_OPEN311_DEFAULT_DAYS = env_int("FIRSTLINE_OPEN311_DEFAULT_DAYS", 90)
FIRSTLINE_EIDO_AGENCY_ID = env("FIRSTLINE_EIDO_AGENCY_ID", "urn:firstline:agency:community-response")
# What Firstline says about itself in the NENA EIDO it emits (issuing element, agency component).
FIRSTLINE_EIDO_ISSUING_ELEMENT = env("FIRSTLINE_EIDO_ISSUING_ELEMENT", "firstline.community-response.example")
FIRSTLINE_EIDO_AGENCY_TYPE = env_list("FIRSTLINE_EIDO_AGENCY_TYPE") or ["crisis_response.community"]
FIRSTLINE_EIDO_AGENCY_ROLE = env_list("FIRSTLINE_EIDO_AGENCY_ROLE") or ["Responding"]
# Callback numbers without a country code are read as numbers of this region (ISO 3166 alpha-2).
FIRSTLINE_PHONE_REGION = env("FIRSTLINE_PHONE_REGION", "US")
# A caller's language (ISO 639-1 code) and the team capability that means a team speaks it.
FIRSTLINE_LANGUAGE_CAPABILITIES = {"es": "spanish"}
# Resource directory: publish the HSDS API without sign-in; when capacity counts go stale.
FIRSTLINE_HSDS_PUBLIC = env_bool("FIRSTLINE_HSDS_PUBLIC", True)
FIRSTLINE_CAPACITY_STALE_HOURS = env_int("FIRSTLINE_CAPACITY_STALE_HOURS", 12)
FIRSTLINE_RESOURCE_SEARCH_RADIUS_KM = env_int("FIRSTLINE_RESOURCE_SEARCH_RADIUS_KM", 25)
# HSDS imports are read as hostile (docs/security/imports-and-webhooks.md): the caps below refuse
# an oversized upload, a zip bomb or a zip of thousands of files before anything is unpacked.
FIRSTLINE_HSDS_MAX_UPLOAD_BYTES = env_int("FIRSTLINE_HSDS_MAX_UPLOAD_BYTES", 50 * 2**20)
FIRSTLINE_HSDS_MAX_UNZIPPED_BYTES = env_int("FIRSTLINE_HSDS_MAX_UNZIPPED_BYTES", 500 * 2**20)
FIRSTLINE_HSDS_MAX_ZIP_MEMBERS = env_int("FIRSTLINE_HSDS_MAX_ZIP_MEMBERS", 100)
FIRSTLINE_HSDS_MAX_COMPRESSION_RATIO = env_int("FIRSTLINE_HSDS_MAX_COMPRESSION_RATIO", 100)
# Follow-ups: grace before escalation, certification lead time, partner webhook retries.
FIRSTLINE_FOLLOWUP_GRACE_MINUTES = env_int("FIRSTLINE_FOLLOWUP_GRACE_MINUTES", 24 * 60)
FIRSTLINE_CERTIFICATION_LEAD_DAYS = env_int("FIRSTLINE_CERTIFICATION_LEAD_DAYS", 30)
FIRSTLINE_WEBHOOK_MAX_ATTEMPTS = env_int("FIRSTLINE_WEBHOOK_MAX_ATTEMPTS", 6)
FIRSTLINE_WEBHOOK_BACKOFF_SECONDS = env_int("FIRSTLINE_WEBHOOK_BACKOFF_SECONDS", 30)
# Webhooks go to https partners on public addresses only (apps/followups/egress.py). Plain http to
# 127.0.0.1/::1 is for the test suite's local fake partner; production refuses to start with it on.
FIRSTLINE_WEBHOOK_ALLOW_HTTP_LOOPBACK = env_bool("FIRSTLINE_WEBHOOK_ALLOW_HTTP_LOOPBACK", False)
# Funding (apps/funding, docs/funding.md): money is exact decimals in one currency; the fiscal year
# starts on the first of this month; the police-time assumptions are printed in every report.
FIRSTLINE_CURRENCY = env("FIRSTLINE_CURRENCY", "USD")
FIRSTLINE_FISCAL_YEAR_START_MONTH = env_int("FIRSTLINE_FISCAL_YEAR_START_MONTH", 7)
FIRSTLINE_POLICE_MINUTES_PER_CALL = {"default": env_int("FIRSTLINE_POLICE_MINUTES_PER_CALL", 90)}
FIRSTLINE_MAP_TILE_URL = env("FIRSTLINE_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
# The public side of insights (apps/insights/privacy.py, docs/insights.md): counts from 1 to
# FIRSTLINE_PUBLIC_MIN_COUNT - 1 are suppressed, and rates or medians resting on fewer records; the
# open-data releases carry this licence (an SPDX-style name: ODC-PDDL-1.0, CC-BY-4.0 or CC0-1.0).
FIRSTLINE_PUBLIC_MIN_COUNT = env_int("FIRSTLINE_PUBLIC_MIN_COUNT", 11)
FIRSTLINE_OPEN_DATA_LICENSE = env("FIRSTLINE_OPEN_DATA_LICENSE", "ODC-PDDL-1.0")
FIRSTLINE_PUBLIC_CACHE_SECONDS = env_int("FIRSTLINE_PUBLIC_CACHE_SECONDS", 60)
# The publish task computes the public releases ahead of readers (every FIRSTLINE_PUBLIC_PUBLISH_SECONDS);
# this month's is recomputed at most every FIRSTLINE_PUBLIC_RELEASE_SECONDS when its rollups change.
FIRSTLINE_PUBLIC_PUBLISH_SECONDS = env_int("FIRSTLINE_PUBLIC_PUBLISH_SECONDS", 60)
FIRSTLINE_PUBLIC_RELEASE_SECONDS = env_int("FIRSTLINE_PUBLIC_RELEASE_SECONDS", 300)
# Responder safety (apps/safety, apps/teams, docs/architecture.md): a tablet reports its position
# at most every FIRSTLINE_POSITION_REPORT_SECONDS while moving and every ..._STILL_SECONDS when not;
# a position older than ..._STALE_SECONDS is greyed on the board and gives no distance. "All OK?"
# answers may be FIRSTLINE_CHECKIN_GRACE_SECONDS late before dispatch is alerted.
FIRSTLINE_POSITION_REPORT_SECONDS = env_int("FIRSTLINE_POSITION_REPORT_SECONDS", 15)
FIRSTLINE_POSITION_STILL_SECONDS = env_int("FIRSTLINE_POSITION_STILL_SECONDS", 120)
FIRSTLINE_POSITION_STALE_SECONDS = env_int("FIRSTLINE_POSITION_STALE_SECONDS", 300)
FIRSTLINE_CHECKIN_GRACE_SECONDS = env_int("FIRSTLINE_CHECKIN_GRACE_SECONDS", 120)

# Feedback cards (apps/feedback, docs/feedback.md): how long a card's link works, answers per address
# an hour, texts per card; and how text messages leave (a dotted path; the default writes files).
FIRSTLINE_FEEDBACK_CARD_DAYS = env_int("FIRSTLINE_FEEDBACK_CARD_DAYS", 14)
FIRSTLINE_FEEDBACK_CARD_PER_HOUR = env_int("FIRSTLINE_FEEDBACK_CARD_PER_HOUR", 10)
FIRSTLINE_FEEDBACK_CARD_TEXTS = env_int("FIRSTLINE_FEEDBACK_CARD_TEXTS", 3)
FIRSTLINE_SMS_BACKEND = env("FIRSTLINE_SMS_BACKEND", "apps.common.sms.FileBackend")
