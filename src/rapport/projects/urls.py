"""Project page URLs."""

from django.urls import path

from rapport.projects.views import board, edit, gantt, projects, resources

app_name = "projects"

urlpatterns = [
    path("", projects.project_list, name="project_list"),
    path("new/", edit.project_form, name="project_create"),
    path("utilisation/", resources.utilisation, name="utilisation"),
    path("risks/", resources.risks, name="risks"),
    path("<int:pk>/", projects.project_detail, name="project_detail"),
    path("<int:pk>/edit/", edit.project_form, name="project_edit"),
    path("<int:pk>/gantt/", gantt.gantt_page, name="gantt"),
    path("<int:pk>/gantt.json", gantt.gantt_data, name="gantt_data"),
    path("<int:pk>/gantt/move/", gantt.gantt_move, name="gantt_move"),
    path("<int:pk>/board/", board.task_board, name="board"),
    path("<int:project_pk>/tasks/new/", edit.task_form, name="task_create"),
    path("<int:pk>/dependencies/new/", edit.dependency_form, name="dependency_create"),
    path("<int:pk>/time/new/", edit.time_entry_form, name="time_entry_create"),
    path("<int:pk>/reschedule/", edit.reschedule_now, name="reschedule"),
    path("<int:pk>/baselines/", edit.save_baseline, name="save_baseline"),
    path("tasks/<int:pk>/edit/", edit.task_form, name="task_edit"),
    path("tasks/<int:pk>/status/", board.task_status, name="task_status"),
]
