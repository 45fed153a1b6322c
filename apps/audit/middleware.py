from apps.audit.context import access_context, client_ip, door_for_path


class RequestContextMiddleware:
    """Tell the audit log which door and address the current request came from."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with access_context(door=door_for_path(request.path), ip=client_ip(request.META)):
            return self.get_response(request)
