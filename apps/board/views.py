"""The board page: a server-rendered shell; board.js loads the snapshot and follows the stream."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie

from apps.accounts.roles import can_dispatch


@login_required
@ensure_csrf_cookie
def board_page(request):
    if not can_dispatch(request.user):
        raise PermissionDenied(_("The board is for dispatchers and supervisors."))
    return render(
        request,
        "board/board.html",
        {
            "tile_url": settings.FIRSTLINE_MAP_TILE_URL,
            "ack_limit_seconds": settings.FIRSTLINE_ACK_LIMIT_SECONDS,
            "time_zone": settings.FIRSTLINE_PROGRAM_TIME_ZONE,
        },
    )
