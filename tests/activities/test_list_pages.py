"""The list pages' own tags (activities/templatetags/list_pages.py): the filter fields are
the markup crispy-bootstrap5 wrote, and the page links stay few however long the list."""

import re
from urllib.parse import urlencode

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.core.paginator import Paginator
from django.urls import reverse

from activities.filters import ActivityFilterSet
from activities.roster.filters import MemberFilterSet
from activities.templatetags.list_pages import elided_page_range, filter_field
from members.filters import PersonalDataAccessFilterSet
from members.models import PublicOffice
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _normal(html):
    """Whitespace next to tags and runs of spaces do not matter here (a label's text, a
    select's options)."""
    html = re.sub(r">\s+", ">", str(html).strip())
    html = re.sub(r"\s+<", "<", html)
    return re.sub(r"\s+", " ", html)


@pytest.mark.parametrize(
    "filterset, data",
    [
        (MemberFilterSet, {}),
        (MemberFilterSet, {"q": 'a<b"c', "role": "nonsense", "group": "999", "status": "all"}),
        (MemberFilterSet, {"order": "pinyin", "office": PublicOffice.Kind.CPPCC}),
        (ActivityFilterSet, {}),
        (ActivityFilterSet, {"year": "1900", "from": "2018-01-01", "to": "not a day"}),
        (ActivityFilterSet, {"status": "held", "theme": "visit", "from": "2018-03-01"}),
        (PersonalDataAccessFilterSet, {"user": "st", "kind": "nonsense", "start": "2026-11-01"}),
    ],
)
def test_filter_fields_are_crispys_markup(filterset, data, group1):
    MemberFactory(industry="制造业", township="城南")
    form = filterset(data or None).form
    form.is_valid()
    fields = [f for f in form if not f.is_hidden]
    assert fields
    for field in fields:
        assert _normal(filter_field(field)) == _normal(as_crispy_field(field)), field.name


def test_page_links_are_elided_around_the_current_page():
    paginator = Paginator(range(13_200), 50)
    links = list(elided_page_range(paginator, 100))
    assert links == [1, paginator.ELLIPSIS, 98, 99, 100, 101, 102, paginator.ELLIPSIS, 264]
    assert list(elided_page_range(Paginator(range(120), 50), 1)) == [1, 2, 3]


def test_roster_pages_link_a_few_pages_and_keep_the_filters(staff_client, group1):
    from activities.roster.views import MemberListView
    from members.models import Member

    for _ in range(12):
        MemberFactory()
    total = Member.objects.active().count()
    query = {"order": "pinyin", "status": "active"}
    saved = MemberListView.paginate_by
    MemberListView.paginate_by = 1
    try:
        response = staff_client.get(reverse("members:member_list"), {**query, "page": 6})
    finally:
        MemberListView.paginate_by = saved
    html = response.content.decode()
    pages = re.findall(r'class="page-link" href="\?([^"]+)"(?: aria-current="page")?>(\d+)<', html)
    assert [int(n) for _, n in pages] == [1, 4, 5, 6, 7, 8, total]
    assert html.count('<span class="page-link">…</span>') == 2
    assert all(q.startswith(urlencode(query).replace("&", "&amp;")) for q, _ in pages)
    assert 'aria-current="page">6<' in html


def test_a_reversed_period_is_explained_and_ignored_like_an_invalid_day(staff_client, group1):
    import datetime

    from tests.factories import ActivityFactory

    for day in (datetime.date(2017, 6, 1), datetime.date(2018, 6, 1), datetime.date(2019, 6, 1)):
        ActivityFactory(group=group1, date=day)
    url = reverse("activities:activity_list")
    reversed_ = staff_client.get(url, {"from": "2019-01-01", "to": "2018-01-01"})
    invalid_to = staff_client.get(url, {"from": "2019-01-01", "to": "2018-13-45"})
    assert reversed_.status_code == 200
    html = reversed_.content.decode()
    assert "开始日期不能晚于结束日期。" in html and "is-invalid" in html
    # The end is set aside, as an invalid end day is: the list runs from the start on.
    assert [a.pk for a in reversed_.context["activities"]] == [
        a.pk for a in invalid_to.context["activities"]
    ]
    assert len(reversed_.context["activities"]) == 1


@pytest.mark.parametrize(
    "url_name, page, shown",
    [
        ("members:member_list", "99", "last"),
        ("members:member_list", "abc", 1),
        ("activities:activity_list", "99", "last"),
        ("activities:activity_list", "0", 1),
        ("activities:activity_list", "-1", 1),
        ("members:member_list", "0", 1),
        ("audit:access_log_list", "-5", 1),
        ("audit:access_log_list", "99999999999999999999", "last"),
    ],
)
def test_a_page_past_the_end_shows_the_last_not_a_404(staff_client, group1, url_name, page, shown):
    """An old link to a list that has since shrunk opens its last page, as the obligation,
    outcome and publicity lists do; a page below 1 or not a number the first (never the last:
    ``?page=0`` used to open a long list at its end)."""
    from activities.roster.views import MemberListView
    from activities.views import ActivityListView
    from members.views import PersonalDataAccessListView
    from tests.factories import ActivityFactory

    for _ in range(3):
        MemberFactory()
        ActivityFactory(group=group1)
    for _ in range(3):
        staff_client.get(reverse("activities:activity_export"))  # an access log row each
    views = (MemberListView, ActivityListView, PersonalDataAccessListView)
    saved = [view.paginate_by for view in views]
    for view in views:
        view.paginate_by = 1
    try:
        response = staff_client.get(reverse(url_name), {"page": page})
    finally:
        for view, size in zip(views, saved, strict=True):
            view.paginate_by = size
    assert response.status_code == 200
    page_obj = response.context["page_obj"]
    assert page_obj.paginator.num_pages > 1
    assert page_obj.number == (page_obj.paginator.num_pages if shown == "last" else shown)
