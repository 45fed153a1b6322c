"""The only writer of the public releases (PublicRelease): each month's protected numbers, and the
dashboard's default period, computed ahead by the publish task so that no reader runs the
suppression (apps/insights/suppression.py takes seconds per month; a reader reads one row).

What is kept, per language and threshold:
- every month from the first with rollups to this one (this month: so far), each the public
  summary of that month;
- the last twelve complete months (the dashboard's and the API's default), composed from the
  stored months exactly as a reader composes any other range (apps/insights/public.py).

A month is recomputed when it has no release, when its rollups changed after its release was
computed, or when the public measures changed; this month at most every
FIRSTLINE_PUBLIC_RELEASE_SECONDS. The suppression runs once per month; the other languages take
the same cells with their own labels.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from apps.feedback.selectors import listening_changed_by_month
from apps.insights import privacy, public, suppression
from apps.insights.models import PublicRelease
from apps.insights.registry import public_measures
from apps.insights.selectors import public_release_times, rollups_changed_by_month

LOCK = "insights:public:publishing"
LOCK_SECONDS = 30 * 60


def release_basis() -> str:
    """What a release was computed from: the public measures and breakdowns (a change recomputes)."""
    words = [*(f"{m.key}:{m.kind}:{','.join(public.public_breakdowns(m))}" for m in public_measures())]
    words += list(public.PUBLIC_BREAKDOWNS)
    return hashlib.sha256("|".join(words).encode()).hexdigest()[:32]


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _store(start: date, end: date, language: str, threshold: int, basis: str, summary: dict) -> None:
    PublicRelease.objects.update_or_create(
        start=start,
        end=end,
        language=language,
        min_count=threshold,
        defaults={"basis": basis, "summary": summary, "computed_at": timezone.now()},
    )


def _month_due(kept, changed, *, current: bool, now: datetime, basis: str) -> bool:
    if kept is None or kept[0] != basis:
        return True
    computed_at = kept[1]
    if changed is None or changed <= computed_at:
        return False
    return not current or (now - computed_at).total_seconds() >= settings.FIRSTLINE_PUBLIC_RELEASE_SECONDS


def _publish_month(month: date, languages: list[str], threshold: int, basis: str) -> int:
    """Suppress the month once; store its summary in each language (the same cells, own words)."""
    release = suppression.month_release(month)
    for language in languages:
        with translation.override(language):
            words = suppression.relabelled(release)
            _store(
                month,
                public.month_end(month),
                language,
                threshold,
                basis,
                public.compose(month, public.month_end(month), [words], released_at=timezone.now().isoformat()),
            )
    return len(languages)


def _publish_range(start: date, end: date, languages: list[str], threshold: int, basis: str) -> int:
    """A range composed from its stored months, as a reader would, and stored."""
    for language in languages:
        parts = public.stored_months(start, end, language=language, min_count=threshold)
        with translation.override(language):
            _store(
                start,
                end,
                language,
                threshold,
                basis,
                public.compose(start, end, parts, released_at=timezone.now().isoformat()),
            )
    return len(languages)


def releases_publish(*, today: date | None = None) -> int:
    """Compute and store every public release that is missing or older than its rollups; answer how
    many rows were written (0 when another run holds the lock). The default period's months first,
    newest first, then the default period, this month, and the older months."""
    if not cache.add(LOCK, timezone.now().isoformat(), LOCK_SECONDS):
        return 0
    try:
        return _publish(today or timezone.localdate())
    finally:
        cache.delete(LOCK)


def _publish(today: date) -> int:
    first = public.first_day()
    if first is None:
        return 0
    now, threshold, basis, languages = timezone.now(), privacy.min_count(), release_basis(), _languages()
    this_month = public.month_start(today)
    months = public.months_between(first, today)
    changed = rollups_changed_by_month(months[0], public.month_end(this_month))
    for month, at in listening_changed_by_month().items():  # feedback and outreach are not in the rollups
        changed[month] = max(changed.get(month, at), at)
    kept = public_release_times(language=languages[0], min_count=threshold)
    default_start, default_end = public.default_range(today)
    in_default = [m for m in reversed(months) if default_start <= m <= default_end]
    written = 0

    def publish(month: date) -> int:
        due = _month_due(
            kept.get((month, public.month_end(month))),
            changed.get(month),
            current=month == this_month,
            now=now,
            basis=basis,
        )
        return _publish_month(month, languages, threshold, basis) if due else 0

    for month in in_default:
        written += publish(month)
    written += _default_range(default_start, default_end, languages, threshold, basis)
    for month in [this_month, *(m for m in reversed(months) if m < default_start)]:
        written += publish(month)
    _forget(threshold, (default_start, default_end))
    return written


def _forget(threshold: int, default: tuple[date, date]) -> None:
    """Releases never served again: another threshold's, and default periods of the past."""
    PublicRelease.objects.exclude(min_count=threshold).delete()
    ranges = PublicRelease.objects.values_list("pk", "start", "end")
    old = [pk for pk, s, e in ranges if e != public.month_end(s) and (s, e) != default]
    if old:
        PublicRelease.objects.filter(pk__in=old).delete()


def _default_range(start: date, end: date, languages: list[str], threshold: int, basis: str) -> int:
    """The default period again when one of its months is newer than it (or it is missing)."""
    if end < start:
        return 0
    times = public_release_times(language=languages[0], min_count=threshold)
    kept = times.get((start, end))
    months = [times.get((m, public.month_end(m))) for m in public.months_between(start, end)]
    newest = max((t[1] for t in months if t), default=None)
    if kept is None or kept[0] != basis or (newest is not None and newest > kept[1]):
        return _publish_range(start, end, languages, threshold, basis)
    return 0
