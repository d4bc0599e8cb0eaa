"""Forms for projects, tasks, dependencies and time, and the schedule's buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from rapport.core import permissions
from rapport.core.errors import NotFound, PreconditionFailed, ValidationFailed
from rapport.projects import forms, services
from rapport.projects.models import Task
from rapport.projects.views.common import (
    STALE,
    SignedInRequest,
    error_text,
    get_project,
    page,
)

TITLES = {
    "project": gettext_lazy("Project"),
    "task": gettext_lazy("Task"),
    "dependency": gettext_lazy("Dependency"),
    "time": gettext_lazy("Time entry"),
}


def _form_page(
    request: SignedInRequest, form: Any, kind: str, project: Any, record: Any
) -> HttpResponse:
    """The form again: 200 when first shown, 422 with the errors after a refusal."""
    context = {
        "form": form,
        "kind": kind,
        "title": TITLES[kind],
        "project": project,
        "record": record,
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "projects/form.html", context, status=status)


@page
@require_http_methods(["GET", "POST"])
def project_form(request: SignedInRequest, pk: int | None = None) -> HttpResponse:
    """Create or edit a project; refused input comes back with the errors in place."""
    project = get_project(request.user, pk) if pk else None
    if project is None:
        permissions.require(request.user, permissions.ADD, "projects.project")
    else:
        permissions.check(request.user, permissions.CHANGE, project)
    initial = {"company": request.GET.get("company")} if project is None else None
    form = forms.ProjectForm(
        request.POST or None, user=request.user, instance=project, initial=initial
    )

    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            if project is None:
                project = services.create_project(request.user, data)
            else:
                if data.get("owner_id") is None:
                    data.pop("owner_id", None)  # an empty choice keeps the manager
                services.update_project(
                    request.user, project, data, form.cleaned_data.get("version")
                )
        except ValidationFailed as exc:
            form.show_errors(exc)
        except PreconditionFailed:
            form.add_error(None, str(STALE))
        else:
            messages.success(request, _("Saved."))
            return redirect("projects:project_detail", pk=project.pk)
    return _form_page(request, form, "project", project, project)


def _task_and_project(request: SignedInRequest, pk: int) -> tuple[Task, Any]:
    task = Task.objects.filter(pk=pk).only("project_id").first()
    if task is None:
        raise NotFound()
    project = get_project(request.user, task.project_id)
    return Task.objects.get(pk=pk), project


@page
@require_http_methods(["GET", "POST"])
def task_form(
    request: SignedInRequest, project_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    """Add a task to a project or edit one; the project is rescheduled after."""
    if pk is not None:
        task, project = _task_and_project(request, pk)
    else:
        task, project = None, get_project(request.user, project_pk or 0)
    action = permissions.CHANGE if task else permissions.ADD
    permissions.check(request.user, permissions.VIEW, project)
    permissions.require(request.user, action, "projects.task")
    form = forms.TaskForm(
        request.POST or None, user=request.user, project=project, instance=task
    )

    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            if task is None:
                services.create_task(request.user, project, data)
            else:
                services.update_task(
                    request.user, task, data, form.cleaned_data.get("version")
                )
        except ValidationFailed as exc:
            form.show_errors(exc)
        except PreconditionFailed:
            form.add_error(None, str(STALE))
        else:
            messages.success(request, _("Saved. The schedule is being updated."))
            return redirect("projects:project_detail", pk=project.pk)
    return _form_page(request, form, "task", project, task)


def _part_form(
    request: SignedInRequest,
    pk: int,
    kind: str,
    form_class: type[forms.PageForm],
    save: Callable[[Any, Any, forms.PageForm], Any],
    done: str,
) -> HttpResponse:
    """A form that adds one record to a project, then goes back to the project."""
    project = get_project(request.user, pk)
    permissions.require(
        request.user, permissions.ADD, form_class._meta.model._meta.label_lower
    )
    form = form_class(request.POST or None, user=request.user, project=project)  # type: ignore[call-arg]

    if request.method == "POST" and form.is_valid():
        try:
            save(request.user, project, form)
        except ValidationFailed as exc:
            form.show_errors(exc)
        else:
            messages.success(request, done)
            return redirect("projects:project_detail", pk=project.pk)
    return _form_page(request, form, kind, project, None)


@page
@require_http_methods(["GET", "POST"])
def dependency_form(request: SignedInRequest, pk: int) -> HttpResponse:
    """Make a task wait on another; a loop is refused, naming its tasks."""
    return _part_form(
        request,
        pk,
        "dependency",
        forms.DependencyForm,
        lambda user, project, form: services.create_dependency(
            user, project, form.service_data()
        ),
        _("Saved. The schedule is being updated."),
    )


@page
@require_http_methods(["GET", "POST"])
def time_entry_form(request: SignedInRequest, pk: int) -> HttpResponse:
    """Log hours on one of the project's tasks."""
    return _part_form(
        request,
        pk,
        "time",
        forms.TimeEntryForm,
        lambda user, project, form: services.create_time_entry(
            user, form.cleaned_data["task"], form.service_data()
        ),
        _("Time logged."),
    )


@page
@require_POST
def reschedule_now(request: SignedInRequest, pk: int) -> HttpResponse:
    """Reschedule the project at once and say what moved."""
    project = get_project(request.user, pk)
    run = services.reschedule_now(request.user, project)
    if run.status == run.Status.FAILED:
        messages.error(request, run.error)
    else:
        messages.success(
            request,
            _("Rescheduled: %(count)s tasks moved.") % {"count": run.moved_count},
        )
    return redirect("projects:project_detail", pk=project.pk)


@page
@require_POST
def save_baseline(request: SignedInRequest, pk: int) -> HttpResponse:
    """Save the current schedule as a baseline."""
    project = get_project(request.user, pk)
    name = request.POST.get("name", "").strip()[:100]
    try:
        baseline = services.save_baseline(request.user, project, name)
    except ValidationFailed as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Baseline “%(name)s” saved.") % {"name": baseline})
    return redirect("projects:project_detail", pk=project.pk)
