"""GET /api/v1/intake/geocode/: the screening page's autocomplete, for call-takers and dispatchers only."""

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/intake/geocode/"


@pytest.mark.parametrize("who", ["call_taker", "dispatcher", "supervisor"])
def test_call_takers_and_dispatchers_get_candidates(riverton, api, who, request):
    api.login_as(request.getfixturevalue(who))
    response = api.get(URL, {"q": "102 market st"})
    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first["label"] == "102 Market St, Riverton"
    assert first["how"] == "exact" and first["score"] == 1.0 and first["district"] == "Downtown"
    assert set(first) == {"label", "latitude", "longitude", "district", "score", "how"}


@pytest.mark.parametrize("who", ["responder", "analyst", "partner_user"])
def test_other_roles_are_refused(riverton, api, who, request):
    api.login_as(request.getfixturevalue(who))
    assert api.get(URL, {"q": "102 market st"}).status_code == 403


def test_anonymous_is_refused(riverton, client):
    assert client.get(URL, {"q": "102 market st"}).status_code in (401, 403)


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "x" * 301}, {"q": "elm", "limit": "0"}])
def test_a_missing_or_bad_query_is_a_400_with_field_errors(riverton, api, call_taker, params):
    api.login_as(call_taker)
    response = api.get(URL, params)
    assert response.status_code == 400
    assert set(response.json().get("errors", response.json())) & {"q", "limit"}


def test_limit_and_landmarks(riverton, api, dispatcher):
    api.login_as(dispatcher)
    body = api.get(URL, {"q": "Riverton Public Library", "limit": 1}).json()
    assert [c["how"] for c in body["results"]] == ["landmark"]
