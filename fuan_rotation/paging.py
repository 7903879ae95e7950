"""Paging of the lists: forgiving, like the obligation list's."""


class ForgivingPaginationMixin:
    """For a ListView: a page past the end (an old link to a list that has since shrunk, or a
    hand-typed ``?page=99``) shows the last page, a page that is not a number the first, never
    Django's 404 (``Paginator.get_page`` instead of ``Paginator.page``).

    ``paginate_queryset`` returns ``(paginator, page, rows, is_paginated)`` as ListView's does.
    """

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()
