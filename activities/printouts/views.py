"""The sign-in sheet and the filing copy of an activity.

Whoever may see the activity may print it: the views take ActivityDetailView's queryset (every
login; an archived record only for the staff), so another login's 404 is the detail page's.
The sheet lists names and companies only, what the group page shows every login; its .xlsx is
therefore not written to the personal-data access log, which records reads of contact details
and whole-roster or all-member workbooks (members.models.PersonalDataAccess).
"""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from activities.attachments.gallery import activity_print_photos
from activities.printouts.sheets import (
    FILING_TITLE,
    attendees_by_group,
    leaders_by_level,
    sign_in_file_name,
    sign_in_sheet,
    write_sign_in_sheet,
)
from activities.views import ActivityDetailView
from fuan_rotation.formal import CONTENT_TYPE, chinese_date, federation_name


class _PrintoutView(ActivityDetailView):
    """The detail page's permission (get_queryset), not its context: no history, no forms."""

    def get_context_data(self, **kwargs):
        return super(ActivityDetailView, self).get_context_data(**kwargs)


class SignInSheetView(_PrintoutView):
    template_name = "activities/printouts/sign_in_sheet.html"
    xlsx = False

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.xlsx or request.GET.get("format") == "xlsx":
            return self.workbook()
        return self.render_to_response(self.get_context_data(object=self.object))

    def workbook(self):
        content = write_sign_in_sheet(sign_in_sheet(self.object))
        response = HttpResponse(content, content_type=CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=sign_in_file_name(self.object)
        )
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(sheet=sign_in_sheet(self.object), **kwargs)


class FilingCopyView(_PrintoutView):
    template_name = "activities/printouts/filing_copy.html"

    def get_queryset(self):
        return super().get_queryset().select_related("reviewed_by")

    def get_context_data(self, **kwargs):
        activity = self.object
        publicity = list(activity.publicity.all())
        for item in publicity:
            item.date_text = chinese_date(item.date) if item.date else ""
        start = activity.start_time
        return super().get_context_data(
            title=f"{federation_name()}{FILING_TITLE}",
            unit=federation_name(),
            date_text=chinese_date(activity.date),
            time_text=f"{start.hour}:{start.minute:02d}" if start else "",
            attendee_groups=attendees_by_group(activity),
            leader_levels=leaders_by_level(activity),
            outcomes=activity.outcomes.select_related("member"),
            publicity=publicity,
            photos=activity_print_photos(activity),
            printed_on=chinese_date(timezone.localdate()),
            **kwargs,
        )
