"""Everything the consumer side of the reference holds, built once per API application."""

from __future__ import annotations

from ..service import ContactCenter
from .chats import ChatService
from .identity import IdentityService
from .sdk import SdkService
from .smart_actions import SmartActionService
from .sms import SmsService
from .store import ConsumerStore


class Consumers:
    """The consumer side: its store, SMS, SDK sessions and chats."""

    def __init__(self, center: ContactCenter) -> None:
        self.center = center
        self.store = ConsumerStore(center.store)
        self.sms = SmsService(center, self.store)
        self.sdk = SdkService(center, self.store, self.sms)
        self.identities = IdentityService(center)
        self.smart_actions = SmartActionService(center)
        self.chats = ChatService(center)

    async def close(self) -> None:
        """Release network clients."""
        await self.sms.close()
