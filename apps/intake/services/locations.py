"""Where a call is: the coordinates it came with, else the local geocoder's best match for its address.

Every call records how its location was obtained (apps.incidents.models.LocationSource), so a
dispatcher can tell a caller's fix from a geocoded street address from a call-taker's pick. A match
below the setting FIRSTLINE_GEOCODE_MIN_SCORE is not taken: the call has no coordinates and the
call-taker picks among the candidates on the screening page.
"""

from apps.incidents.models import LocationSource
from apps.intake import conf
from apps.places.selectors import geocode

NOT_AN_ADDRESS = ("Location not given", "Location by reference only")


def call_location(
    *, location_text: str, latitude: float | None, longitude: float | None, picked: bool = False, district: str = ""
) -> dict:
    """The call's coordinates, district and how they were obtained, as incident fields."""
    if latitude is not None and longitude is not None:
        source = LocationSource.PICKED if picked else LocationSource.DEVICE
        return {"latitude": latitude, "longitude": longitude, "location_source": source, "location_score": None}
    text = (location_text or "").strip()
    if text and not text.startswith(NOT_AN_ADDRESS):
        found = geocode(text, limit=1)
        if found and found[0].score >= conf.geocode_min_score():
            best = found[0]
            return {
                "latitude": best.latitude,
                "longitude": best.longitude,
                "location_source": LocationSource.GEOCODED,
                "location_score": round(best.score, 3),
                **({"district": best.district} if best.district and not district else {}),
            }
    return {"latitude": None, "longitude": None, "location_source": LocationSource.NONE, "location_score": None}
