"""The landing page that sends each role to its own screen, and a health check for the proxy."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from apps.accounts.roles import Role

HOME_FOR_ROLE = {
    Role.RESPONDER: "/field/",
    Role.DISPATCHER: "/board/",
    Role.CALL_TAKER: "/intake/screen/",
    Role.SUPERVISOR: "/admin/",
    Role.ADMINISTRATOR: "/admin/",
    Role.PARTNER: "/partners/",
}


@login_required
def home(request):
    target = HOME_FOR_ROLE.get(request.user.role)
    if target:
        return redirect(target)
    return render(request, "home.html")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"}) if request.GET.get("json") else HttpResponse("ok")
