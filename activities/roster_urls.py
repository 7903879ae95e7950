"""Roster import and export pages, mounted under /members/."""

app_name = "roster"

urlpatterns = []
