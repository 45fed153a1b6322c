"""Pages and non-/api/v1 endpoints of this app, mounted at the site root."""

urlpatterns: list = []
