"""The landing page that sends each role to its own screen."""

from django.contrib.auth.decorators import login_required
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
