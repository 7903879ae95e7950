"""The project's URLs plus one page only staff may open, to see a real refusal end to end."""

from django.http import HttpResponse
from django.urls import path
from django.views import View

from fuan_rotation.urls import handler500
from fuan_rotation.urls import urlpatterns as project_urlpatterns
from members.permissions import StaffRequiredMixin


class StaffOnlyView(StaffRequiredMixin, View):
    def get(self, request):
        return HttpResponse("staff only")


urlpatterns = [
    path("security-test/staff-only/", StaffOnlyView.as_view(), name="staff_only"),
    *project_urlpatterns,
]

__all__ = ["handler500", "urlpatterns"]
