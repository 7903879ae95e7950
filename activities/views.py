from django.utils import timezone
from django.views.generic import TemplateView

from activities.models import Activity


class HomeView(TemplateView):
    template_name = "activities/home.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        recent = Activity.objects.held().select_related("group").order_by("-date", "-number")[:10]
        return super().get_context_data(
            recent_activities=recent,
            year=today.year,
            held_this_year=Activity.objects.held().in_year(today.year).count(),
            **kwargs,
        )
