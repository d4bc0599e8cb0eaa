"""Forms of the insight pages: the risk rule editor and the alert note."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.core.errors import ValidationFailed
from rapport.intelligence.insight import sources
from rapport.intelligence.models import RiskRule


class RiskRuleForm(forms.ModelForm):
    """Edit a risk rule: one phrase per line, channels as checkboxes."""

    phrases_text = forms.CharField(
        label=_("Phrases"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One phrase per line, in Chinese or English; every line is a "
            "synonym (交付延迟, 延期交付, late delivery ...). Case, width and "
            "spaces are ignored."
        ),
    )
    channel_list = forms.MultipleChoiceField(
        label=_("Channels"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every channel."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = RiskRule
        fields = [
            "code",
            "name",
            "name_zh",
            "threshold",
            "window_days",
            "topic",
            "max_sentiment",
            "severity",
            "enabled",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        channels = self.fields["channel_list"]
        assert isinstance(channels, forms.MultipleChoiceField)
        channels.choices = list(sources.channels())
        if self.instance.pk:
            self.fields["phrases_text"].initial = "\n".join(self.instance.phrases)
            self.fields["channel_list"].initial = list(self.instance.channels)
            self.fields["version"].initial = self.instance.version
            self.fields["code"].disabled = True
        self.fields["max_sentiment"].help_text = _(
            "Optional: count only messages with a sentiment at or below this (−1 to 1)."
        )
        self.fields["topic"].help_text = _(
            "Optional: count only messages on this topic (delivery, price, "
            "quality ...)."
        )

    def validate_unique(self) -> None:
        """The service checks uniqueness and reports it with the other errors."""

    def data_for_service(self) -> dict[str, Any]:
        values = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name in self.cleaned_data and not self.fields[name].disabled
        }
        values["phrases"] = self.cleaned_data["phrases_text"].splitlines()
        values["channels"] = list(self.cleaned_data["channel_list"])
        return values

    def show_errors(self, exc: ValidationFailed) -> None:
        """Put the service's field errors in place on the form."""
        aliases = {"phrases": "phrases_text", "channels": "channel_list"}
        for field, messages in exc.errors.items():
            name = aliases.get(field, field)
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class AlertNoteForm(forms.Form):
    """An optional note when acknowledging or resolving an alert."""

    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
