from django.urls import path, register_converter

from . import public_input, report_views, views

# Path parameters are checked for format here, before any view or query sees them.
register_converter(public_input.ReferenceConverter, "reference")
register_converter(public_input.IdConverter, "id")

app_name = "cases"

urlpatterns = [
    path("", views.home, name="home"),
    path("report/", report_views.report_new, name="report"),
    path("report/status/", report_views.report_status, name="report_status"),
    path("report/status/add/", report_views.report_add, name="report_add"),
    path("report/status/forget/", report_views.report_forget, name="report_forget"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<reference:reference>/", views.case_detail, name="case_detail"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/<id:pk>/", views.source_detail, name="source_detail"),
    path("stats/", views.stats, name="stats"),
    path("about/", views.about, name="about"),
]
