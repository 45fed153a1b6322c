"""The daily burn-rate check (beat: apps/funding/schedule.py)."""

from celery import shared_task

from apps.funding.services import burn_rate_warnings_raise


@shared_task(ignore_result=True)
def burn_rate_check() -> int:
    return len(burn_rate_warnings_raise())
