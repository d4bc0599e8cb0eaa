"""Comms forms: mailbox settings and uploads."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.comms.models import Channel, Mailbox


class MailboxForm(forms.ModelForm):
    """The settings of an IMAP mailbox; the password is written, never shown."""

    password = forms.CharField(
        label=_("password"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("Stored encrypted. Leave empty to keep the current one."),
    )

    class Meta:
        model = Mailbox
        fields = ["name", "host", "port", "security", "username", "folder", "enabled"]

    def service_data(self) -> dict[str, Any]:
        data = {k: self.cleaned_data[k] for k in self.Meta.fields}
        data["password"] = self.cleaned_data.get("password", "")
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files and cleans each one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(item, initial) for item in data]
        return [one(data, initial)]


class ImportForm(forms.Form):
    """Files to import and the channel of CSV/JSON rows without one."""

    files = MultipleFileField(  # type: ignore[assignment]
        label=_("files"),
        widget=MultipleFileInput(attrs={"accept": ".eml,.mbox,.mbx,.csv,.json"}),
        help_text=_("Several .eml files, or one .mbox, .csv or .json file."),
    )
    channel = forms.ChoiceField(
        label=_("channel of CSV/JSON rows"),
        choices=Channel.choices,
        initial=Channel.CALL,
    )
