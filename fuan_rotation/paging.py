"""Paging of the lists: forgiving, like the obligation list's."""

from django.core.paginator import InvalidPage


def forgiving_page(paginator, number):
    """The page of `paginator` to show for `number` (the query string's ``page``, any text).

    A page past the end (an old link to a list that has since shrunk, or a hand-typed
    ``?page=99``) gives the last page; a page below 1 (``?page=0``, ``?page=-1``) or not a
    number the first. Never raises: ``Paginator.get_page`` would give the last page for a
    number below 1 too, which opens a long list at its wrong end.
    """
    try:
        wanted = int(str(number).strip())
    except (TypeError, ValueError):
        wanted = 1
    if wanted < 1:
        wanted = 1
    try:
        return paginator.page(wanted)
    except InvalidPage:
        return paginator.page(paginator.num_pages)


class ForgivingPaginationMixin:
    """For a ListView: a page past the end shows the last page, a page below 1 or not a number
    the first (forgiving_page), never Django's 404.

    ``paginate_queryset`` returns ``(paginator, page, rows, is_paginated)`` as ListView's does.
    """

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        page = forgiving_page(paginator, self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()
