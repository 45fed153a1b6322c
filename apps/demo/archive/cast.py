"""Who and what the archive's calls involve, read once from the loaded demo: the teams and their
crews, the staff who take and send calls, the policy in force, the rules, the partners' services
by need, and a few dozen regulars in each district.
"""

import random
from dataclasses import dataclass, field

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.demo.call_kinds import AGE_RANGES, CALL_KINDS, HOUSING
from apps.demo.city import DISTRICTS
from apps.followups.defaults import DEFAULT_RULES
from apps.followups.models import FollowUpRule
from apps.incidents.models import CallType
from apps.intake.selectors import policy_in_force
from apps.resources.models import Attribute, Service
from apps.teams.models import Membership, Team

FIRST_NAMES = [
    "Ray",
    "Dee",
    "Tony",
    "Kat",
    "Lou",
    "Sunny",
    "Mo",
    "Jess",
    "Val",
    "Sam",
    "Bo",
    "Lee",
    "Rita",
    "Gus",
    "Ana",
    "Nico",
    "Pat",
    "Cruz",
    "Ike",
    "Viv",
]


@dataclass
class Regular:
    """Someone the teams meet again and again: the same alias, age range, language and housing, and
    most often the same phone calling (insights counts repeat contacts by the callback number)."""

    person: dict
    district: str
    callback: str


@dataclass
class Cast:
    teams: list[Team]
    crew: dict[int, list[User]]
    calltaker: User
    dispatcher: User
    supervisor: User
    partner: User | None
    call_types: dict[str, CallType]
    policy_version: object
    rules: list[FollowUpRule]
    services: dict[str, list[Service]]
    regulars: dict[str, list[Regular]] = field(default_factory=dict)
    kind_needs: dict[str, tuple] = field(default_factory=lambda: {k.code: k.needs for k in CALL_KINDS})


def archive_cast(*, teams: list[Team] | None = None, rng: random.Random) -> Cast:
    """Who and what the archive's calls involve, read once from the loaded demo."""
    teams = teams or list(Team.objects.filter(active=True).order_by("call_sign"))
    crew = {}
    for team in teams:
        members = Membership.objects.filter(team=team, active=True).select_related("user").order_by("user__username")
        crew[team.pk] = [m.user for m in members]
    users = {u.username: u for u in User.objects.filter(username__in=["calltaker", "dispatcher", "supervisor"])}
    services: dict[str, list[Service]] = {}
    by_id = {s.pk: s for s in Service.objects.select_related("organization")}
    for link_id, code in Attribute.objects.filter(link_entity="service", link_type="need").values_list(
        "link_id", "taxonomy_term__code"
    ):
        if link_id in by_id:
            services.setdefault(code, []).append(by_id[link_id])
    for found in services.values():
        found.sort(key=lambda s: s.name)
    names = {rule["name"] for rule in DEFAULT_RULES}
    cast = Cast(
        teams=teams,
        crew=crew,
        calltaker=users["calltaker"],
        dispatcher=users["dispatcher"],
        supervisor=users["supervisor"],
        partner=User.objects.filter(role=Role.PARTNER, partner_organization__isnull=False).order_by("pk").first(),
        call_types={ct.code: ct for ct in CallType.objects.all()},
        policy_version=policy_in_force(),
        rules=list(FollowUpRule.objects.filter(name__in=names, active=True).order_by("pk")),
        services=services,
    )
    for district in DISTRICTS:
        cast.regulars[district.name] = [
            Regular(
                person={
                    "alias": f"{rng.choice(FIRST_NAMES)} {chr(65 + rng.randrange(26))}.",
                    "age_range": rng.choice(AGE_RANGES),
                    "language": "es" if rng.random() < 0.15 else "en",
                    "housing_status": rng.choice(HOUSING),
                },
                district=district.name,
                callback=f"303-555-01{rng.randrange(100):02d}",
            )
            for _ in range(40)
        ]
    return cast
