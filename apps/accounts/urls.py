from django.urls import path

from apps.accounts import apis

urlpatterns = [
    path("auth/login/", apis.LoginApi.as_view(), name="api-login"),
    path("auth/logout/", apis.LogoutApi.as_view(), name="api-logout"),
    path("auth/second-factor/", apis.SecondFactorApi.as_view(), name="api-second-factor"),
    path("auth/me/", apis.MeApi.as_view(), name="api-me"),
    path("devices/", apis.DeviceRegisterApi.as_view(), name="api-device-register"),
    path("devices/enroll/", apis.DeviceEnrollApi.as_view(), name="api-device-enroll"),
    path("devices/check/", apis.DeviceCheckApi.as_view(), name="api-device-check"),
    path("devices/<uuid:device_id>/enrollment/", apis.DeviceEnrollmentRenewApi.as_view(), name="api-device-enrollment"),
    path("devices/<uuid:device_id>/revoke/", apis.DeviceRevokeApi.as_view(), name="api-device-revoke"),
]
