from django.conf import settings


def program(request):
    return {"program_name": settings.FIRSTLINE_PROGRAM_NAME}
