"""Plain data of the ``consumer`` capability: SDK sessions and what they show, SMS, overrides.

What a consumer app, a web page or a contact center's SMS log shows, not any platform's
internals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

SdkOptionName = Literal["scheduled_call", "email", "phone", "voicemail"]
SdkChannelName = Literal["web", "mobile"]


@dataclass(frozen=True)
class ConsumerSettings:
    """The consumer side's settings; ``None`` leaves a setting as it is.

    ``help_email`` is the help-center address (Help center details); ``sdk_options`` what the
    SDKs show after hours (phone and voicemail on mobile only), ``sdk_phone`` the number "Call
    now" dials; ``chat_email_deflection`` deflects chats to email after hours; ``scheduled_calls``
    the SDK channels with scheduled calls on.
    """

    help_email: str | None = None
    sdk_options: tuple[SdkOptionName, ...] | None = None
    sdk_phone: str | None = None
    chat_email_deflection: bool | None = None
    scheduled_calls: tuple[SdkChannelName, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if value is not None:
                out[name] = list(value) if isinstance(value, tuple) else value
        return out


@dataclass(frozen=True)
class MobileOverride:
    """A leaf queue's after-hours override on mobile: a queue redirect, or options."""

    redirect_queue_id: str | None = None
    options: tuple[SdkOptionName, ...] = ()
    phone: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"options": list(self.options)}
        if self.redirect_queue_id is not None:
            out["redirect_queue_id"] = self.redirect_queue_id
        if self.phone is not None:
            out["phone"] = self.phone
        return out


@dataclass(frozen=True)
class SmsOverride:
    """A leaf queue's after-hours SMS reply."""

    message: str

    def to_json(self) -> dict[str, Any]:
        return {"message": self.message}


@dataclass(frozen=True)
class SdkAccess:
    """What a consumer app needs to reach the SUT: the base URL of the consumer protocol
    (README, *The consumer protocol*) and the account's SDK key."""

    base_url: str
    key: str


@dataclass(frozen=True)
class ShownOption:
    """One option an SDK shows: its ``kind`` (call, chat, redirect, scheduled_call, email,
    phone, voicemail), its label and what else it carries (slots, address, mailto, number)."""

    kind: str
    label: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ShownOptions:
    """What an SDK shows on one queue now."""

    queue_id: str
    open: bool
    deflected: bool
    options: tuple[ShownOption, ...]

    @property
    def kinds(self) -> list[str]:
        return [o.kind for o in self.options]

    def option(self, kind: str) -> ShownOption:
        """The option of ``kind``, or a LookupError naming what is shown."""
        for found in self.options:
            if found.kind == kind:
                return found
        raise LookupError(f"the SDK shows no {kind} option (it shows {', '.join(self.kinds)})")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ShownOptions:
        return cls(
            queue_id=str(data["queue_id"]),
            open=bool(data["open"]),
            deflected=bool(data["deflected"]),
            options=tuple(
                ShownOption(
                    str(o["kind"]),
                    str(o.get("label", "")),
                    {k: v for k, v in o.items() if k not in ("kind", "label")},
                )
                for o in data["options"]
            ),
        )


@dataclass(frozen=True)
class SmsWebhook:
    """Where the SMS gateway posts the customers' messages, and the secret it signs with."""

    url: str
    secret: str


@dataclass(frozen=True)
class SmsRecord:
    """One message of the SUT's SMS log."""

    id: str
    direction: str  # inbound | outbound
    from_number: str
    to_number: str
    body: str
    media_urls: tuple[str, ...]
    status: str  # received | sent | failed
    detail: str
    reason: str


@dataclass(frozen=True)
class ConsumerRequestRecord:
    """A scheduled call or a voicemail a consumer left, as the SUT keeps it."""

    id: str
    kind: str  # scheduled_call | voicemail
    queue_id: str
    data: Mapping[str, Any]
