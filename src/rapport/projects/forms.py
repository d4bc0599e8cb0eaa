"""Page forms for projects: they parse and show input; the services validate and write.

A form never saves. `service_data` turns the cleaned values into the field
mapping the services take (relations as `<name>_id`), and `show_errors` puts
the errors a service raised back beside the inputs they concern.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.accounts import selectors as account_selectors
from rapport.core.errors import ValidationFailed
from rapport.crm import selectors as crm_selectors
from rapport.projects.models import (
    Calendar,
    Dependency,
    Phase,
    Project,
    ProjectTemplate,
    Skill,
    Task,
    TimeEntry,
)

if TYPE_CHECKING:
    from rapport.accounts.models import User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PageForm(forms.ModelForm):
    """A model form that leaves model validation and saving to the services."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _post_clean(self) -> None:
        # The services validate the model inside their transaction; building the
        # instance here would change the record before they compare old and new.
        pass

    def service_data(self) -> dict[str, Any]:
        """The cleaned values keyed as the services expect them."""
        data: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name == "version" or name not in self._meta.fields:  # type: ignore[operator]
                continue
            field = self._meta.model._meta.get_field(name)
            if field.is_relation:
                data[f"{name}_id"] = value.pk if value is not None else None
            elif value is None and not field.null:
                data[name] = field.get_default()
            else:
                data[name] = value
        return data

    def show_errors(self, exc: ValidationFailed) -> None:
        """Attach each error of a refused write to its input, or to the whole form."""
        for field, messages in exc.errors.items():
            name = field.removesuffix("_id")
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class ProjectForm(PageForm):
    """Create or edit a project."""

    class Meta:
        model = Project
        fields = [
            "name",
            "code",
            "company",
            "deal",
            "template",
            "owner",
            "status",
            "start_date",
            "contract_value",
            "currency",
            "calendar",
            "customer_risk",
            "description",
        ]
        widgets = {"start_date": DATE, "description": forms.Textarea(attrs={"rows": 4})}
        labels = {"owner": _("project manager")}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Left empty, the next free code is given.")
        self.fields["company"].queryset = crm_selectors.companies(user).order_by("name")  # type: ignore[attr-defined]
        self.fields["deal"].queryset = crm_selectors.deals(user).order_by("-id")  # type: ignore[attr-defined]
        self.fields["owner"].queryset = account_selectors.assignable_users(user)  # type: ignore[attr-defined]
        self.fields["owner"].required = False
        self.fields["template"].queryset = ProjectTemplate.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["calendar"].queryset = Calendar.objects.all()  # type: ignore[attr-defined]
        if self.instance.pk:
            del self.fields["template"]  # a template shapes a project only once
        else:
            self.fields["owner"].initial = user.pk


class TaskForm(PageForm):
    """Create or edit a task of a project."""

    class Meta:
        model = Task
        fields = [
            "name",
            "phase",
            "duration_days",
            "estimated_hours",
            "percent_complete",
            "status",
            "priority",
            "scheduling",
            "pinned_start",
            "constraint",
            "constraint_date",
            "required_skill",
            "is_milestone",
            "description",
        ]
        widgets = {
            "pinned_start": DATE,
            "constraint_date": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: User, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["phase"].queryset = Phase.objects.filter(project=project)  # type: ignore[attr-defined]
        self.fields["required_skill"].queryset = Skill.objects.all()  # type: ignore[attr-defined]


class DependencyForm(PageForm):
    """Make one task of a project wait on another."""

    class Meta:
        model = Dependency
        fields = ["predecessor", "successor", "type", "lag"]

    def __init__(self, *args: Any, user: User, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        tasks = Task.objects.filter(project=project).order_by("position", "id")
        self.fields["predecessor"].queryset = tasks  # type: ignore[attr-defined]
        self.fields["successor"].queryset = tasks  # type: ignore[attr-defined]


class TimeEntryForm(PageForm):
    """Log hours spent on a task of a project."""

    task = forms.ModelChoiceField(queryset=Task.objects.none(), label=_("task"))

    class Meta:
        model = TimeEntry
        fields = ["task", "user", "date", "hours", "note"]
        widgets = {"date": DATE}

    def __init__(self, *args: Any, user: User, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["task"].queryset = Task.objects.filter(project=project).order_by(  # type: ignore[attr-defined]
            "position", "id"
        )
        self.fields["user"].queryset = account_selectors.assignable_users(user)  # type: ignore[attr-defined]
        self.fields["user"].required = False
        self.fields["user"].initial = user.pk

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data.pop("task_id", None)  # the task is the service's own argument
        return data
