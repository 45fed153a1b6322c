"""Two deliveries of the same new EIDO at once still make one incident (real PostgreSQL, real threads)."""

import json
import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from apps.incidents.models import Incident
from apps.intake.models import EidoDocument
from tests.intake.eido_samples import eido


@pytest.mark.services
def test_simultaneous_deliveries_of_one_eido_make_one_incident(transactional_db, policy, center_key):
    raw = center_key[1]
    barrier = threading.Barrier(4)
    codes: list[int] = []

    def deliver():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
        barrier.wait(timeout=10)
        try:
            response = client.post("/api/v1/intake/eido/", json.dumps(eido()), content_type="application/json")
            codes.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(codes) == [200, 200, 200, 201]
    assert Incident.objects.count() == 1
    assert EidoDocument.objects.get().received_count == 4
