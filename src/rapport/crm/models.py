"""The CRM core: companies, contacts, leads, deals, activities, products, quotes."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rapport.core.models import ScopedModel, TimeStampedModel

CURRENCIES = [("CNY", "CNY ¥"), ("USD", "USD $"), ("EUR", "EUR €"), ("HKD", "HKD $")]

# The unified social credit code (统一社会信用代码): 18 characters, digits and
# upper-case letters without I, O, S, V, Z.
credit_code_validator = RegexValidator(
    r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
    _("A unified social credit code has 18 digits and capital letters."),
)


class Industry(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Manufacturing")
    CONSTRUCTION = "construction", _("Construction and engineering")
    SOFTWARE = "software", _("Software and SaaS")
    ENERGY = "energy", _("Energy")
    FINANCE = "finance", pgettext_lazy("industry", "Finance")
    HEALTHCARE = "healthcare", _("Healthcare")
    RETAIL = "retail", _("Retail")
    LOGISTICS = "logistics", _("Logistics")
    EDUCATION = "education", _("Education")
    GOVERNMENT = "government", _("Government")
    OTHER = "other", _("Other")


class Region(models.TextChoices):
    EAST_CHINA = "east_china", _("East China")
    NORTH_CHINA = "north_china", _("North China")
    SOUTH_CHINA = "south_china", _("South China")
    CENTRAL_CHINA = "central_china", _("Central China")
    WEST_CHINA = "west_china", _("West China")
    HONG_KONG = "hong_kong", _("Hong Kong and Macau")
    ASIA_PACIFIC = "asia_pacific", _("Asia-Pacific")
    EUROPE = "europe", _("Europe")
    NORTH_AMERICA = "north_america", _("North America")
    OTHER = "other", _("Other")


class CompanySize(models.TextChoices):
    SMALL = "small", _("1–49 employees")
    MEDIUM = "medium", _("50–499 employees")
    LARGE = "large", _("500–4,999 employees")
    ENTERPRISE = "enterprise", _("5,000+ employees")


class Tier(models.TextChoices):
    A = "A", _("A: strategic")
    B = "B", _("B: key")
    C = "C", _("C: standard")


class Company(ScopedModel):
    """A business customer or prospect."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    english_name = models.CharField(_("English name"), max_length=200, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[credit_code_validator],
    )
    industry = models.CharField(
        _("industry"), max_length=20, choices=Industry.choices, default=Industry.OTHER
    )
    region = models.CharField(
        _("region"), max_length=20, choices=Region.choices, default=Region.OTHER
    )
    size = models.CharField(
        _("size"), max_length=12, choices=CompanySize.choices, default=CompanySize.SMALL
    )
    tier = models.CharField(
        _("tier"), max_length=1, choices=Tier.choices, default=Tier.C
    )
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        indexes = [
            models.Index(fields=["owner", "-id"]),
            models.Index(fields=["team", "-id"]),
            models.Index(fields=["team", "-updated_at"]),
            models.Index(fields=["owner", "-updated_at"]),
            models.Index(fields=["-updated_at"]),
            models.Index(fields=["name"]),
            models.Index(fields=["industry", "region"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="uniq_company_credit_code",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Contact(ScopedModel):
    """A person at a company."""

    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="contacts",
        null=True,
        blank=True,
    )
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["owner", "-id"]),
            models.Index(fields=["team", "-id"]),
            models.Index(fields=["team", "-updated_at"]),
            models.Index(fields=["owner", "-updated_at"]),
            models.Index(fields=["company", "name"]),
        ]

    def __str__(self) -> str:
        return self.name


class ContactMethod(models.Model):
    """One phone number or e-mail address of a contact."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone")

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="methods"
    )
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=200)
    label = models.CharField(_("label"), max_length=40, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        ordering = ["-is_primary", "id"]
        indexes = [models.Index(fields=["kind", "value"])]

    def __str__(self) -> str:
        return self.value


class Lead(ScopedModel):
    """A possible customer not yet qualified: a name, a need and where it came from."""

    class Source(models.TextChoices):
        WEBSITE = "website", _("Website")
        REFERRAL = "referral", _("Referral")
        TRADE_SHOW = "trade_show", _("Trade show")
        COLD_CALL = "cold_call", _("Cold call")
        PARTNER = "partner", _("Partner")
        CAMPAIGN = "campaign", _("Campaign")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        QUALIFIED = "qualified", _("Qualified")
        CONVERTED = "converted", _("Converted")
        DISQUALIFIED = "disqualified", _("Disqualified")

    title = models.CharField(_("title"), max_length=200)
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.OTHER
    )
    region = models.CharField(
        _("region"), max_length=20, choices=Region.choices, default=Region.OTHER
    )
    industry = models.CharField(
        _("industry"), max_length=20, choices=Industry.choices, default=Industry.OTHER
    )
    budget = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=CURRENCIES, default="CNY"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    notes = models.TextField(_("notes"), blank=True)
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
    )
    converted_at = models.DateTimeField(_("converted"), null=True, blank=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [
            models.Index(fields=["owner", "-id"]),
            models.Index(fields=["team", "-id"]),
            models.Index(fields=["team", "-created_at"]),
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["status", "-id"]),
        ]

    def __str__(self) -> str:
        return self.title


class Pipeline(TimeStampedModel):
    """A sales process: an ordered list of stages a deal moves through."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    """One step of a pipeline, with the win probability it implies."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("Open")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    pipeline = models.ForeignKey(
        Pipeline, on_delete=models.CASCADE, related_name="stages"
    )
    name = models.CharField(_("name"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"))
    probability = models.PositiveSmallIntegerField(
        _("probability %"), validators=[MaxValueValidator(100)]
    )
    outcome = models.CharField(
        _("outcome"), max_length=4, choices=Outcome.choices, default=Outcome.OPEN
    )

    class Meta:
        ordering = ["pipeline", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["pipeline", "position"], name="uniq_stage_position"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProjectType(models.TextChoices):
    """The kind of work a deal sells; a won deal becomes a project of this kind."""

    IMPLEMENTATION = "implementation", _("Implementation")
    CONSULTING = "consulting", _("Consulting")
    SUPPORT = "support", _("Support and maintenance")
    CUSTOM_DEVELOPMENT = "custom_development", _("Custom development")
    CONSTRUCTION = "construction", _("Design and construction")


class Deal(ScopedModel):
    """A sales opportunity with an amount, moving through a pipeline's stages."""

    title = models.CharField(_("title"), max_length=200)
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="deals",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
    )
    lead = models.ForeignKey(
        Lead,
        verbose_name=_("lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
    )
    pipeline = models.ForeignKey(
        Pipeline,
        verbose_name=_("pipeline"),
        on_delete=models.PROTECT,
        related_name="deals",
    )
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="deals"
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=CURRENCIES, default="CNY"
    )
    probability = models.PositiveSmallIntegerField(
        _("probability %"), default=10, validators=[MaxValueValidator(100)]
    )
    expected_close = models.DateField(_("expected close"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    lost_reason = models.CharField(_("lost reason"), max_length=200, blank=True)
    discount_pct = models.DecimalField(
        _("discount %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    notes = models.TextField(_("notes"), blank=True)
    project_type = models.CharField(
        _("project type"),
        max_length=20,
        choices=ProjectType.choices,
        default=ProjectType.IMPLEMENTATION,
    )

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        indexes = [
            models.Index(fields=["owner", "-id"]),
            models.Index(fields=["team", "-id"]),
            models.Index(fields=["team", "-updated_at"]),
            models.Index(fields=["owner", "-updated_at"]),
            models.Index(fields=["stage", "-id"]),
            models.Index(fields=["company", "-id"]),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (
            self.stage_id
            and self.pipeline_id
            and self.stage.pipeline_id != self.pipeline_id
        ):
            raise ValidationError(
                {"stage": _("This stage belongs to another pipeline.")}
            )
        if (
            self.stage_id
            and self.stage.outcome == Stage.Outcome.LOST
            and not self.lost_reason
        ):
            raise ValidationError({"lost_reason": _("Say why the deal was lost.")})


class Activity(ScopedModel):
    """A call, meeting, e-mail, note or task on the customer timeline."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        MEETING = "meeting", _("Meeting")
        EMAIL = "email", _("E-mail")
        NOTE = "note", _("Note")
        TASK = "task", _("Task")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("details"), blank=True)
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    lead = models.ForeignKey(
        Lead,
        verbose_name=_("lead"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
    )
    deal = models.ForeignKey(
        Deal,
        verbose_name=_("deal"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    remind_at = models.DateTimeField(_("reminder"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["company", "-occurred_at"]),
            models.Index(fields=["contact", "-occurred_at"]),
            models.Index(fields=["deal", "-occurred_at"]),
            models.Index(fields=["lead", "-occurred_at"]),
            models.Index(fields=["owner", "-id"]),
            models.Index(fields=["team", "-id"]),
            models.Index(fields=["team", "-occurred_at"]),
            models.Index(fields=["owner", "-occurred_at"]),
            models.Index(fields=["remind_at", "reminded_at"]),
        ]

    def __str__(self) -> str:
        return self.subject

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not (self.company_id or self.contact_id or self.lead_id or self.deal_id):
            raise ValidationError(
                _("Link the activity to a company, contact, lead or deal.")
            )
        if self.kind == self.Kind.TASK and not self.due_at:
            raise ValidationError({"due_at": _("A task needs a due date.")})
        if self.remind_at and self.due_at and self.remind_at > self.due_at:
            raise ValidationError(
                {"remind_at": _("The reminder comes after the due date.")}
            )


class Product(TimeStampedModel):
    """Something the company sells: a product or a service, with a list price."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=20, default="item")
    list_price = models.DecimalField(
        _("list price"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=CURRENCIES, default="CNY"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Quote(ScopedModel):
    """A priced offer for a deal: lines, discounts and totals."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired")

    number = models.CharField(_("number"), max_length=30, unique=True)
    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="quotes"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=CURRENCIES, default="CNY"
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    discount_pct = models.DecimalField(
        _("overall discount %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    tax_pct = models.DecimalField(
        _("tax %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("13"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    subtotal = models.DecimalField(
        _("subtotal"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        editable=False,
    )
    discount_total = models.DecimalField(
        _("discount"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        editable=False,
    )
    tax_total = models.DecimalField(
        _("tax"), max_digits=14, decimal_places=2, default=Decimal("0"), editable=False
    )
    total = models.DecimalField(
        _("total"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        editable=False,
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        indexes = [
            models.Index(fields=["owner", "-id"]),
            models.Index(fields=["team", "-id"]),
        ]

    def __str__(self) -> str:
        return self.number


class QuoteLine(models.Model):
    """One product or service on a quote, with quantity, price and discount."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    unit_price = models.DecimalField(
        _("unit price"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    discount_pct = models.DecimalField(
        _("discount %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["quote", "position", "id"]

    def __str__(self) -> str:
        return self.description

    @property
    def net(self) -> Decimal:
        gross = self.quantity * self.unit_price
        return (gross * (Decimal(100) - self.discount_pct) / Decimal(100)).quantize(
            Decimal("0.01")
        )
