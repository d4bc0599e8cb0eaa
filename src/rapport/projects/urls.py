"""Project page URLs."""

from django.urls import path

from rapport.projects.views import gantt, projects

app_name = "projects"

urlpatterns = [
    path("", projects.project_list, name="project_list"),
    path("<int:pk>/gantt/", gantt.gantt_page, name="gantt"),
    path("<int:pk>/gantt.json", gantt.gantt_data, name="gantt_data"),
    path("<int:pk>/gantt/move/", gantt.gantt_move, name="gantt_move"),
]
