"""URLs of the members/ pages, in two namespaces mounted by fuan_rotation/urls.py.

``accounts:`` 账号管理, where staff manage the logins; ``audit:`` 数据访问记录, the
personal-data access log. 修改密码 (password_change) is in fuan_rotation/urls.py, where
Django's own views expect it.
"""

from django.urls import path

from members import views

account_urlpatterns = [
    path("accounts/", views.UserListView.as_view(), name="user_list"),
    path("members/<int:pk>/login/new/", views.UserCreateView.as_view(), name="user_create"),
    path(
        "accounts/<int:pk>/reset-password/",
        views.UserPasswordResetView.as_view(),
        name="user_password_reset",
    ),
    path(
        "accounts/<int:pk>/deactivate/", views.UserDeactivateView.as_view(), name="user_deactivate"
    ),
    path(
        "accounts/<int:pk>/reactivate/", views.UserReactivateView.as_view(), name="user_reactivate"
    ),
]

audit_urlpatterns = [
    path("access-log/", views.PersonalDataAccessListView.as_view(), name="access_log_list"),
]
