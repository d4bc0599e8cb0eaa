"""Page forms for the CRM: they parse and show input; the services validate and write.

A form never saves. `service_data` turns its cleaned values into the plain
field mapping the services take (relations as `<name>_id`), and `show_errors`
puts the field errors a service raised back next to the inputs they concern.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rapport.accounts import selectors as account_selectors
from rapport.core.errors import ValidationFailed
from rapport.crm import selectors
from rapport.crm.models import (
    Activity,
    Company,
    Contact,
    ContactMethod,
    Deal,
    Lead,
    Pipeline,
    Product,
    Quote,
    Stage,
)

if TYPE_CHECKING:
    from rapport.accounts.models import User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)
TEXT = forms.Textarea(attrs={"rows": 4})


class ServiceForm(forms.ModelForm):
    """A model form that leaves model validation and saving to the services."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Relations whose choices are the user's visible records, by field name.
    scoped_choices: dict[str, str] = {}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        if "owner" in self.fields:
            owner = self.fields["owner"]
            owner.queryset = account_selectors.assignable_users(user)  # type: ignore[attr-defined]
            owner.required = False
            owner.initial = owner.initial or user.pk
        self._add_model_validators()
        # TODO: relation inputs are plain selects of every visible record; with
        # thousands of companies they grow heavy, and an autocomplete is missing.
        for name, selector in self.scoped_choices.items():
            field = self.fields[name]
            field.queryset = getattr(selectors, selector)(user).order_by("-id")  # type: ignore[attr-defined]

    def _add_model_validators(self) -> None:
        """Check the model's own rules (credit code, minimums) with the other inputs.

        Without them a form shows some errors, and the rest only after those are
        fixed, once the service sees the input.
        """
        model_fields = {f.name: f for f in self._meta.model._meta.get_fields()}
        for name, field in self.fields.items():
            model_field = model_fields.get(name)
            if model_field is None:
                continue  # a form-only input such as `version`
            present = {type(v) for v in field.validators}
            extra = [
                v
                for v in getattr(model_field, "validators", [])
                if type(v) not in present
            ]
            field.validators = [*field.validators, *extra]

    def _post_clean(self) -> None:
        # The services run the model validation, inside their transaction;
        # building the instance here would change the record before they diff it.
        pass

    def service_data(self) -> dict[str, Any]:
        """The cleaned values keyed the way the services expect them."""
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


class CompanyForm(ServiceForm):
    """Create or edit a company."""

    website = forms.URLField(
        label=_("website"), max_length=200, required=False, assume_scheme="https"
    )

    class Meta:
        model = Company
        fields = [
            "name",
            "short_name",
            "english_name",
            "credit_code",
            "industry",
            "region",
            "size",
            "tier",
            "owner",
            "website",
            "address",
            "notes",
        ]
        widgets = {"notes": TEXT}


class ContactForm(ServiceForm):
    """Create or edit a contact; phones and e-mails come as repeated inputs."""

    scoped_choices = {"company": "companies"}

    class Meta:
        model = Contact
        fields = ["name", "company", "title", "department", "owner", "notes"]
        widgets = {"notes": TEXT}


class LeadForm(ServiceForm):
    """Create or edit a lead."""

    class Meta:
        model = Lead
        fields = [
            "title",
            "company_name",
            "contact_name",
            "email",
            "phone",
            "source",
            "region",
            "industry",
            "budget",
            "currency",
            "status",
            "owner",
            "notes",
        ]
        widgets = {"notes": TEXT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.status != Lead.Status.CONVERTED:
            # Conversion has its own page; the plain form cannot do it.
            self.fields["status"].choices = [  # type: ignore[attr-defined]
                c for c in Lead.Status.choices if c[0] != Lead.Status.CONVERTED
            ]


class StageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: models.Model) -> str:
        from rapport.crm.templatetags.crm import stage_name

        stage: Stage = obj  # type: ignore[assignment]
        return f"{stage.pipeline.name} · {stage_name(stage)}"


class DealForm(ServiceForm):
    """Create or edit a deal."""

    scoped_choices = {"company": "companies", "contact": "contacts"}
    stage = StageChoiceField(
        queryset=Stage.objects.select_related("pipeline").order_by(
            "pipeline", "position"
        ),
        label=_("stage"),
        required=False,
    )

    class Meta:
        model = Deal
        fields = [
            "title",
            "company",
            "contact",
            "pipeline",
            "stage",
            "amount",
            "currency",
            "expected_close",
            "discount_pct",
            "project_type",
            "lost_reason",
            "owner",
            "notes",
        ]
        widgets = {"notes": TEXT, "expected_close": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pipeline"].required = False
        self.fields["pipeline"].queryset = Pipeline.objects.order_by(  # type: ignore[attr-defined]
            "-is_default", "name"
        )

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        if data.get("stage_id") is None:
            data.pop("stage_id", None)  # the service picks the first open stage
        if data.get("pipeline_id") is None:
            data.pop("pipeline_id", None)
        return data


class ActivityForm(ServiceForm):
    """Log or edit an activity; a task needs a due date."""

    scoped_choices = {
        "company": "companies",
        "contact": "contacts",
        "lead": "leads",
        "deal": "deals",
    }

    class Meta:
        model = Activity
        fields = [
            "kind",
            "subject",
            "body",
            "company",
            "contact",
            "lead",
            "deal",
            "occurred_at",
            "due_at",
            "remind_at",
            "owner",
        ]
        widgets = {
            "body": TEXT,
            "occurred_at": DATETIME,
            "due_at": DATETIME,
            "remind_at": DATETIME,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("occurred_at", "due_at", "remind_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]  # type: ignore[attr-defined]


class QuickActivityForm(forms.Form):
    """The one-line form on a timeline: log a call, add a note or add a task."""

    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[
            (Activity.Kind.CALL, _("Log a call")),
            (Activity.Kind.NOTE, _("Add a note")),
            (Activity.Kind.TASK, _("Add a task")),
            (Activity.Kind.MEETING, _("Log a meeting")),
        ],
    )
    subject = forms.CharField(label=_("subject"), max_length=200)
    body = forms.CharField(
        label=_("details"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_at = forms.DateTimeField(
        label=_("due"),
        required=False,
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def show_errors(self, exc: ValidationFailed) -> None:
        for field, messages in exc.errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class ProductForm(ServiceForm):
    """Create or edit a catalogue entry."""

    class Meta:
        model = Product
        fields = [
            "code",
            "name",
            "unit",
            "list_price",
            "currency",
            "is_active",
            "description",
        ]
        widgets = {"description": TEXT}


class QuoteForm(ServiceForm):
    """Create or edit a quote's header; its lines come as repeated inputs."""

    scoped_choices = {"deal": "deals"}

    class Meta:
        model = Quote
        fields = [
            "deal",
            "status",
            "currency",
            "valid_until",
            "discount_pct",
            "tax_pct",
            "owner",
            "notes",
        ]
        widgets = {"notes": TEXT, "valid_until": DATE}


class ConvertLeadForm(forms.Form):
    """The choices of a lead conversion: which company and contact, and the deal."""

    company = forms.ModelChoiceField(
        queryset=Company.objects.none(),
        required=False,
        label=_("company"),
        empty_label=_("Create a new company from the lead"),
    )
    contact = forms.ModelChoiceField(
        queryset=Contact.objects.none(),
        required=False,
        label=_("contact"),
        empty_label=_("Create a new contact from the lead"),
    )
    deal_title = forms.CharField(label=_("deal title"), max_length=200)
    amount = forms.DecimalField(
        label=_("amount"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
    )
    pipeline = forms.ModelChoiceField(
        queryset=Pipeline.objects.order_by("-is_default", "name"),
        required=False,
        label=_("pipeline"),
        empty_label=_("Default pipeline"),
    )
    expected_close = forms.DateField(
        label=_("expected close"), required=False, widget=DATE
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: User, lead: Lead, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = selectors.companies(user).order_by("name")  # type: ignore[attr-defined]
        self.fields["contact"].queryset = selectors.contacts(user).order_by("name")  # type: ignore[attr-defined]
        self.fields["version"].initial = lead.version
        self.fields["deal_title"].initial = lead.title
        self.fields["amount"].initial = lead.budget
        if lead.company_id:
            self.fields["company"].initial = lead.company_id

    def show_errors(self, exc: ValidationFailed) -> None:
        for field, messages in exc.errors.items():
            name = {"title": "deal_title"}.get(field, field)
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


# --- Repeated inputs: a contact's phones and e-mails, a quote's lines -----------------

LINE_INPUTS = ("product", "description", "quantity", "unit_price", "discount_pct")


def contact_methods(post: QueryDict) -> list[dict[str, Any]]:
    """The phones and e-mails sent by the contact form, empty rows left out."""
    kinds = post.getlist("method_kind")
    values = post.getlist("method_value")
    labels = post.getlist("method_label")
    primary = set(post.getlist("method_primary"))
    rows = []
    for index, (kind, value) in enumerate(zip(kinds, values, strict=False)):
        if not value.strip():
            continue
        label = labels[index] if index < len(labels) else ""
        rows.append(
            {
                "kind": kind,
                "value": value.strip(),
                "label": label.strip(),
                "is_primary": str(index) in primary,
            }
        )
    return rows


def method_rows(
    sent: list[dict[str, Any]] | None, contact: Contact | None
) -> list[dict[str, Any]]:
    """The rows the contact form shows: what was sent or is stored, and two blank."""
    if sent is not None:
        rows = sent
    elif contact is not None:
        rows = [
            {
                "kind": m.kind,
                "value": m.value,
                "label": m.label,
                "is_primary": m.is_primary,
            }
            for m in contact.methods.all()
        ]
    else:
        rows = []
    blank = [
        {"kind": kind, "value": "", "label": ""}
        for kind in (ContactMethod.Kind.PHONE, ContactMethod.Kind.EMAIL)
    ]
    return rows + blank


def quote_lines(post: QueryDict) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """The quote lines sent by the form, and the errors of numbers that do not parse.

    Each line keeps its raw input under "raw" so the form can show it again.
    """
    columns = [post.getlist(f"line_{name}") for name in LINE_INPUTS]
    lines: list[dict[str, Any]] = []
    errors: dict[str, list[str]] = {}
    for cells in zip(*columns, strict=False):
        raw = dict(zip(LINE_INPUTS, (c.strip() for c in cells), strict=True))
        if not any(raw.values()):
            continue
        position = len(lines)
        line: dict[str, Any] = {"description": raw["description"], "raw": raw}
        line["product_id"] = int(raw["product"]) if raw["product"].isdigit() else None
        for name, default in (
            ("quantity", "1"),
            ("unit_price", None),
            ("discount_pct", "0"),
        ):
            text = raw[name] or default
            try:
                line[name] = Decimal(text) if text is not None else None
            except InvalidOperation:
                errors[f"lines.{position}.{name}"] = [gettext("Enter a number.")]
        lines.append(line)
    return lines, errors


def quote_line_rows(
    sent: list[dict[str, Any]] | None, errors: dict[str, list[str]], quote: Quote | None
) -> list[dict[str, Any]]:
    """The lines the quote form shows, each with its own errors, and two blank."""
    if sent is not None:
        rows = [
            {
                **line["raw"],
                "errors": [
                    message
                    for key, messages in errors.items()
                    if key.startswith(f"lines.{position}.")
                    for message in messages
                ],
            }
            for position, line in enumerate(sent)
        ]
    elif quote is not None:
        rows = [
            {
                "product": str(line.product_id or ""),
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "discount_pct": line.discount_pct,
                "errors": [],
            }
            for line in quote.lines.all()
        ]
    else:
        rows = []
    blank = dict.fromkeys(LINE_INPUTS, "")
    return [*rows, {**blank, "errors": []}, {**blank, "errors": []}]
