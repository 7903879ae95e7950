"""数据访问记录: the staff's page over the personal-data access log."""

from django.conf import settings
from django.utils.functional import cached_property
from django.views.generic import ListView

from members.filters import PersonalDataAccessFilterSet
from members.models import PersonalDataAccess
from members.permissions import StaffRequiredMixin


class PersonalDataAccessListView(StaffRequiredMixin, ListView):
    model = PersonalDataAccess
    template_name = "members/access_log_list.html"
    context_object_name = "entries"
    paginate_by = 50

    @cached_property
    def filterset(self):
        return PersonalDataAccessFilterSet(self.request.GET)

    def get_queryset(self):
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filterset.form,
            retention_days=settings.ACCESS_LOG_RETENTION_DAYS,
            **kwargs,
        )
