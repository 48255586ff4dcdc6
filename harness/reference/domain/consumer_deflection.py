"""What the consumer SDKs (web and mobile), web chat and SMS offer after hours (seed 004).

Pure rules, no I/O:

* the account's consumer settings: the help-center email (Settings > Help center details), the
  deflection options the SDKs show after hours (CC-AH-4: scheduled call, email, phone, voicemail;
  phone and voicemail exist on mobile only, CC-AH-7, 8), the phone number "Call now" dials,
  whether chat deflects to email (CC-AH-11) and on which SDK channels scheduled calls are on;
* the per-queue overrides of the consumer channels (CC-AH-13): mobile (a queue redirect, or
  one or more options, never both, CC-AH-15) and SMS (an after-hours message, CC-AH-16); a web
  override does not exist and is refused;
* :func:`shown_options`, what an SDK shows a consumer on a queue at an instant.

Parsing validates the whole input before anything is built and names the field at fault, so a
refused change keeps what was stored.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import quote

from .distribution import validate_e164
from .errors import InvalidField

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_MESSAGE = 480  # three SMS segments
MAX_VERSION = 40


class SdkOption(enum.StrEnum):
    """An after-hours option the SDKs can show (seed 004, "call deflection options")."""

    SCHEDULED_CALL = "scheduled_call"
    EMAIL = "email"
    PHONE = "phone"  # mobile SDK only (CC-AH-7)
    VOICEMAIL = "voicemail"  # mobile SDK only (CC-AH-8)


MOBILE_ONLY = frozenset({SdkOption.PHONE, SdkOption.VOICEMAIL})
SDK_CHANNELS = ("web", "mobile")
OVERRIDE_CHANNELS = ("mobile", "sms")  # the consumer channels with per-queue overrides
CALL_NOW = "Call now"
LEAVE_MESSAGE = "Leave a message to be called back"


@dataclass(frozen=True)
class ConsumerSettings:
    """An account's consumer-side settings."""

    help_email: str | None = None
    sdk_options: tuple[SdkOption, ...] = ()
    sdk_phone: str | None = None
    chat_email_deflection: bool = False
    scheduled_calls: frozenset[str] = frozenset()  # SDK channels with scheduled calls on

    def to_json(self) -> dict[str, Any]:
        return {
            "help_email": self.help_email,
            "sdk_options": [o.value for o in self.sdk_options],
            "sdk_phone": self.sdk_phone,
            "chat_email_deflection": self.chat_email_deflection,
            "scheduled_calls": sorted(self.scheduled_calls),
        }


@dataclass(frozen=True)
class MobileOverride:
    """A leaf queue's own after-hours deflection on mobile (CC-AH-15)."""

    redirect_queue_id: str | None = None
    options: tuple[SdkOption, ...] = ()
    phone: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "redirect_queue_id": self.redirect_queue_id,
            "options": [o.value for o in self.options],
            "phone": self.phone,
        }


@dataclass(frozen=True)
class SmsOverride:
    """A leaf queue's after-hours SMS reply (CC-AH-16)."""

    message: str

    def to_json(self) -> dict[str, Any]:
        return {"message": self.message}


@dataclass(frozen=True)
class SdkContext:
    """Who asks: the channel, and what the app said about itself (for the mailto body)."""

    channel: str
    app_version: str | None = None
    device_type: str | None = None


@dataclass(frozen=True)
class QueueState:
    """The queue the consumer is on, as routing sees it at this instant."""

    queue_id: str
    open: bool
    deflection_on: bool  # after-hours deflection is on for calls (Settings > Call)
    slots: tuple[datetime, ...] = ()  # scheduled-call slots within the queue's hours
    redirect_name: str | None = None  # the name of a mobile override's redirect queue


@dataclass(frozen=True)
class Shown:
    """What an SDK shows: whether the queue is open, and the options, in order."""

    queue_id: str
    open: bool
    deflected: bool
    options: tuple[Mapping[str, Any], ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "queue_id": self.queue_id,
            "open": self.open,
            "deflected": self.deflected,
            "options": [dict(o) for o in self.options],
        }


# --- parsing ---------------------------------------------------------------------------------


def _bool(data: Mapping[str, Any], name: str, default: bool) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise InvalidField(name, "must be true or false")
    return value


def _options(value: Any, where: str) -> tuple[SdkOption, ...]:
    if not isinstance(value, list):
        raise InvalidField(where, "must be an array")
    found: list[SdkOption] = []
    for index, item in enumerate(value):
        try:
            option = SdkOption(item)
        except ValueError:
            known = ", ".join(o.value for o in SdkOption)
            raise InvalidField(f"{where}[{index}]", f"must be one of {known}") from None
        if option in found:
            raise InvalidField(f"{where}[{index}]", f"{option.value} is listed twice")
        found.append(option)
    return tuple(found)


def _phone(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidField(where, "must be a string")
    try:
        return validate_e164(value, where)
    except InvalidField:
        raise InvalidField(where, f"{value!r} is not an E.164 number") from None


def parse_settings(data: Mapping[str, Any], current: ConsumerSettings) -> ConsumerSettings:
    """``current`` with the members of ``data`` changed; every member checked first."""
    allowed = set(current.to_json())
    for name in data:
        if name not in allowed:
            raise InvalidField(name, "unknown field")
    email = data.get("help_email", current.help_email)
    if email is not None and (not isinstance(email, str) or not _EMAIL.match(email)):
        raise InvalidField("help_email", "must be an email address")
    options = current.sdk_options
    if "sdk_options" in data:
        options = _options(data["sdk_options"], "sdk_options")
    phone = _phone(data["sdk_phone"], "sdk_phone") if "sdk_phone" in data else current.sdk_phone
    scheduled = current.scheduled_calls
    if "scheduled_calls" in data:
        raw = data["scheduled_calls"]
        if not isinstance(raw, list) or not all(c in SDK_CHANNELS for c in raw):
            raise InvalidField("scheduled_calls", "must be an array of web and/or mobile")
        scheduled = frozenset(raw)
    updated = replace(
        current,
        help_email=email,
        sdk_options=options,
        sdk_phone=phone,
        chat_email_deflection=_bool(data, "chat_email_deflection", current.chat_email_deflection),
        scheduled_calls=scheduled,
    )
    if SdkOption.PHONE in updated.sdk_options and updated.sdk_phone is None:
        raise InvalidField("sdk_phone", "is required when the phone option is selected")
    if SdkOption.EMAIL in updated.sdk_options and updated.help_email is None:
        raise InvalidField("help_email", "is required when the email option is selected")
    if updated.chat_email_deflection and updated.help_email is None:
        raise InvalidField("help_email", "is required when chat deflects to email")
    return updated


def settings_from_json(data: Mapping[str, Any] | None) -> ConsumerSettings:
    """Stored settings back as an object (stored data was validated when written)."""
    if not data:
        return ConsumerSettings()
    return ConsumerSettings(
        help_email=data.get("help_email"),
        sdk_options=tuple(SdkOption(o) for o in data.get("sdk_options", [])),
        sdk_phone=data.get("sdk_phone"),
        chat_email_deflection=bool(data.get("chat_email_deflection", False)),
        scheduled_calls=frozenset(data.get("scheduled_calls", [])),
    )


def check_override_channel(channel: str) -> str:
    """``channel`` if it has consumer overrides; web is refused by rule (CC-AH-13)."""
    if channel == "web":
        raise InvalidField(
            "channel",
            "web has no per-queue after-hours override (only IVR, mobile and SMS do);"
            " set web deflection globally",
        )
    if channel not in OVERRIDE_CHANNELS:
        raise InvalidField("channel", "must be mobile or sms here")
    return channel


def parse_mobile_override(
    data: Mapping[str, Any], *, settings: ConsumerSettings, queue_exists: Any
) -> MobileOverride:
    """A mobile override (CC-AH-15): a queue redirect alone, or one or more options.

    ``queue_exists(queue_id, where)`` raises when the redirect names no leaf queue.
    """
    for name in data:
        if name not in ("redirect_queue_id", "options", "phone"):
            raise InvalidField(name, "unknown field")
    redirect = data.get("redirect_queue_id")
    if redirect is not None and not isinstance(redirect, str):
        raise InvalidField("redirect_queue_id", "must be a string")
    options = _options(data.get("options", []), "options")
    phone = _phone(data.get("phone"), "phone")
    if redirect is not None:
        if options or phone is not None:
            raise InvalidField(
                "redirect_queue_id",
                "a queue redirect excludes every other option: remove options and phone,"
                " or the redirect",
            )
        queue_exists(redirect, "redirect_queue_id")
        return MobileOverride(redirect_queue_id=redirect)
    if not options:
        raise InvalidField("options", "choose a queue redirect or at least one option")
    if SdkOption.SCHEDULED_CALL in options and "mobile" not in settings.scheduled_calls:
        raise InvalidField(
            "options",
            "scheduled_call needs scheduled calls enabled for the mobile channel",
        )
    if SdkOption.PHONE in options and phone is None:
        raise InvalidField("phone", "is required for the phone option")
    if SdkOption.PHONE not in options and phone is not None:
        raise InvalidField("phone", "only the phone option takes a number")
    if SdkOption.EMAIL in options and settings.help_email is None:
        raise InvalidField("options", "email needs the help-center email address set first")
    return MobileOverride(options=options, phone=phone)


def parse_sms_override(data: Mapping[str, Any]) -> SmsOverride:
    """An SMS override (CC-AH-16): the after-hours message's text."""
    for name in data:
        if name != "message":
            raise InvalidField(name, "unknown field")
    message = data.get("message")
    if not isinstance(message, str):
        raise InvalidField("message", "is required, a string")
    message = message.strip()
    if not message:
        raise InvalidField("message", "must not be blank")
    if len(message) > MAX_MESSAGE:
        raise InvalidField("message", f"must be at most {MAX_MESSAGE} characters")
    return SmsOverride(message)


def mobile_override_from_json(data: Mapping[str, Any]) -> MobileOverride:
    return MobileOverride(
        redirect_queue_id=data.get("redirect_queue_id"),
        options=tuple(SdkOption(o) for o in data.get("options", [])),
        phone=data.get("phone"),
    )


def check_app_field(value: Any, where: str) -> str | None:
    """An optional app version or device type: a short printable string."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidField(where, "must be a string")
    value = value.strip()
    if not value or len(value) > MAX_VERSION or not value.isprintable():
        raise InvalidField(where, f"must be 1 to {MAX_VERSION} printable characters")
    return value


# --- what the SDK shows ----------------------------------------------------------------------


def mailto(address: str, context: SdkContext) -> str:
    """The mobile mail link: the address in To, app version and device type in the body."""
    lines = []
    if context.app_version:
        lines.append(f"App version: {context.app_version}")
    if context.device_type:
        lines.append(f"Device: {context.device_type}")
    link = f"mailto:{quote(address, safe='@')}"
    if lines:
        link += "?body=" + quote("\n".join(lines), safe="")
    return link


def _option(
    option: SdkOption,
    context: SdkContext,
    settings: ConsumerSettings,
    state: QueueState,
    phone: str | None,
) -> dict[str, Any] | None:
    if option in MOBILE_ONLY and context.channel != "mobile":
        return None
    if option is SdkOption.SCHEDULED_CALL:
        return {
            "kind": option.value,
            "label": "Schedule a call",
            "slots": [s.isoformat().replace("+00:00", "Z") for s in state.slots],
        }
    if option is SdkOption.EMAIL:
        address = settings.help_email or ""
        shown: dict[str, Any] = {
            "kind": option.value,
            "label": "Email us",
            "address": address,
            "message": f"We are closed now. Please write to us at {address}.",
        }
        if context.channel == "mobile":
            shown["mailto"] = mailto(address, context)
        return shown
    if option is SdkOption.PHONE:
        return {"kind": option.value, "label": CALL_NOW, "number": phone or ""}
    return {"kind": option.value, "label": LEAVE_MESSAGE, "queue_id": state.queue_id}


def usual_options(queue_id: str) -> tuple[dict[str, Any], ...]:
    """The options an SDK shows within hours: call and chat, on the consumer's queue."""
    return (
        {"kind": "call", "label": "Call us", "queue_id": queue_id},
        {"kind": "chat", "label": "Chat with us", "queue_id": queue_id},
    )


def shown_options(
    context: SdkContext,
    settings: ConsumerSettings,
    state: QueueState,
    override: MobileOverride | None,
) -> Shown:
    """What the SDK shows (CC-AH-4): within hours, or with deflection off, call and chat; after
    hours only the selected options, the usual ones hidden. A mobile override replaces the
    global selection for its queue; its queue redirect is the only thing offered (CC-AH-15)."""
    if state.open or not state.deflection_on:
        return Shown(state.queue_id, state.open, False, usual_options(state.queue_id))
    if context.channel == "mobile" and override is not None:
        if override.redirect_queue_id is not None:
            redirect = {
                "kind": "redirect",
                "label": f"Continue with {state.redirect_name or 'another team'}",
                "queue_id": override.redirect_queue_id,
            }
            return Shown(state.queue_id, False, True, (redirect,))
        chosen: Sequence[SdkOption] = override.options
        phone = override.phone
    else:
        chosen, phone = settings.sdk_options, settings.sdk_phone
    shown = [_option(o, context, settings, state, phone) for o in chosen]
    return Shown(state.queue_id, False, True, tuple(o for o in shown if o is not None))


def chat_after_hours(settings: ConsumerSettings) -> dict[str, Any]:
    """What a chat started after hours with deflection on gets (CC-AH-11): with email
    deflection, a deflection naming the help-center address (no chat opens); otherwise the chat
    opens and the address is written in its body."""
    address = settings.help_email or ""
    if settings.chat_email_deflection:
        return {
            "type": "chat.deflected",
            "email": address,
            "message": f"We are closed now. Please write to us at {address}.",
        }
    text = (
        f"We are closed now. You can also write to us at {address}."
        if address
        else ("We are closed now. We will answer when we open.")
    )
    return {"type": "chat.message", "from": "system", "body": text}
