"""Pages take GET, HEAD and POST only: a PUT, PATCH or DELETE to a page is 405, not the page.

Function views answer any method unless told otherwise, so a DELETE to the board rendered the board;
this refuses it in one place. The REST API under /api/ decides its own methods (DRF answers 405).
"""

from django.http import HttpResponseNotAllowed

PAGE_METHODS = ("GET", "HEAD", "POST", "OPTIONS")


class PageMethodsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in PAGE_METHODS and not request.path.startswith("/api/"):
            return HttpResponseNotAllowed(PAGE_METHODS)
        return self.get_response(request)
