"""Places fixtures: Riverton's synthetic address points loaded through the import service."""

import pytest

from apps.demo.addresses import address_csv, address_rows, landmarks
from apps.places.models import PlaceAlias
from apps.places.services import addresses_import, place_alias_save
from tests.intake.conftest import center_client, center_key, policy  # noqa: F401 (intake's fixtures, for its doors)


@pytest.fixture
def riverton(db):
    rows = list(address_rows())
    addresses_import(source=address_csv(rows))
    for landmark in landmarks():
        place_alias_save(actor=None, alias=PlaceAlias(**landmark))
    return rows
