"""Live web chats: a queued chat reaches an agent of its queue and messages flow both ways.

A consumer's ``chat.start`` on the SDK WebSocket that is queued (within hours) becomes a
:class:`LiveChat`. It is offered (``chat.offered``) to every agent app of its queue's members
connected on the app channel (``GET /me/calls``); the first ``chat.accept`` takes it, the other
apps are told ``chat.taken``. Then ``chat.message`` goes from the consumer to the agent and back,
and ``chat.end`` from either side ends it for both (``chat.ended`` with who ended it). A
supervisor may end it too (Actions > End chat, CC-END-1); watching it (CC-MON-9, 10) sends
nothing to anyone: the agent is not told she is watched.

Live chats are runtime state, like calls in progress: they end when the reference stops.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..clock import iso_utc
from ..domain.errors import Conflict, InvalidField, NotFound
from ..domain.voicemail import recipients
from ..service import ContactCenter
from .store import ConsumerSession

Message = dict[str, Any]
Send = Callable[[Message], None]
#: How long a message may be, in characters.
MAX_TEXT = 4000
AGENT_KINDS = ("chat.accept", "chat.message", "chat.end")


@dataclass(eq=False)
class AgentChannel:
    """One agent app connected on the app channel, as chats see it."""

    account_id: str
    user_id: str
    send: Send


@dataclass(eq=False)
class LiveChat:
    """One consumer's chat: waiting for an agent, connected to one, or ended."""

    id: str
    account_id: str
    session_id: str
    queue_id: str
    channel: str
    end_user: str  # the end user's name, or her unique ID when she has none
    issue: str  # the queue's menu path, root first ("Support > Billing")
    started_at: str
    to_consumer: Send
    crm_record_url: str | None = None
    agent: AgentChannel | None = None
    agent_name: str | None = None
    connected_at: str | None = None
    ended_at: str | None = None
    ended_by: str | None = None
    messages: list[Message] = field(default_factory=list)
    offered_to: list[AgentChannel] = field(default_factory=list)

    @property
    def state(self) -> str:
        """``waiting``, ``connected`` or ``ended``."""
        if self.ended_at is not None:
            return "ended"
        return "waiting" if self.agent is None else "connected"

    def to_json(self) -> Message:
        """The chat as the API shows it (the chat details pop-up, the live chat view)."""
        return {
            "chat_id": self.id,
            "state": self.state,
            "session_id": self.session_id,
            "queue_id": self.queue_id,
            "channel": self.channel,
            "agent_id": self.agent.user_id if self.agent else None,
            "agent_name": self.agent_name,
            "end_user": self.end_user,
            "issue": self.issue,
            "crm_record_url": self.crm_record_url,
            "started_at": self.started_at,
            "connected_at": self.connected_at,
            "ended_at": self.ended_at,
            "ended_by": self.ended_by,
            "messages": list(self.messages),
        }


class ChatService:
    """The live chats of every account, and the agent apps they can be offered to."""

    def __init__(self, center: ContactCenter) -> None:
        self._center = center
        self._chats: dict[str, LiveChat] = {}
        self._agents: list[AgentChannel] = []

    # --- agent apps -------------------------------------------------------------------------

    def attach_agent(self, account_id: str, user_id: str, send: Send) -> AgentChannel:
        """An agent app connected: the chats waiting on her queues are offered to it now."""
        channel = AgentChannel(account_id, user_id, send)
        self._agents.append(channel)
        for chat in self._waiting(account_id):
            if user_id in self._queue_agents(account_id, chat.queue_id):
                self._offer(chat, channel)
        return channel

    def detach_agent(self, channel: AgentChannel) -> None:
        """The agent app went away: the chats it held end (the consumer is told)."""
        if channel in self._agents:
            self._agents.remove(channel)
        for chat in list(self._chats.values()):
            if channel in chat.offered_to:
                chat.offered_to.remove(channel)
            if chat.agent is channel and chat.ended_at is None:
                self._end(chat, "agent_gone")

    def from_agent(self, channel: AgentChannel, message: Message) -> None:
        """One ``chat.*`` message of an agent app; a refusal goes back as ``chat.refused``."""
        kind = message.get("type")
        key = message.get("chat")
        chat = self._chats.get(key) if isinstance(key, str) else None
        if chat is None or chat.account_id != channel.account_id:
            channel.send({"type": "chat.refused", "chat": key, "message": "no such chat"})
            return
        if chat.ended_at is not None:
            channel.send({"type": "chat.refused", "chat": key, "message": "the chat has ended"})
            return
        if kind == "chat.accept":
            self._accept(chat, channel)
        elif chat.agent is not channel:
            channel.send({"type": "chat.refused", "chat": key, "message": "not your chat"})
        elif kind == "chat.message":
            try:
                text = _text(message.get("text"))
            except InvalidField as error:
                channel.send({"type": "chat.refused", "chat": key, "message": error.message})
                return
            self._say(chat, "agent", chat.agent_name or channel.user_id, text)
        elif kind == "chat.end":
            self._end(chat, "agent")

    # --- consumers --------------------------------------------------------------------------

    def start(
        self,
        session: ConsumerSession,
        end_user: str,
        to_consumer: Send,
        crm_record_url: str | None = None,
    ) -> LiveChat:
        """A consumer's chat was queued: offer it to her queue's connected agents. A chat the
        session still had going ends first (the consumer started another one)."""
        going = self.of_session(session.account_id, session.id)
        if going is not None:
            self._end(going, "consumer")
        chat = LiveChat(
            id=f"chat_{secrets.token_hex(8)}",
            account_id=session.account_id,
            session_id=session.id,
            queue_id=session.queue_id,
            channel=session.channel,
            end_user=end_user,
            issue=self._issue(session.account_id, session.queue_id),
            started_at=self._now(session.account_id),
            to_consumer=to_consumer,
            crm_record_url=crm_record_url,
        )
        self._chats[chat.id] = chat
        members = self._queue_agents(session.account_id, session.queue_id)
        for channel in self._agents:
            if channel.account_id == chat.account_id and channel.user_id in members:
                self._offer(chat, channel)
        self._center.publish(chat.account_id, "chat.queued", chat_id=chat.id)
        return chat

    def of_session(self, account_id: str, session_id: str) -> LiveChat | None:
        """The chat of ``session_id`` that has not ended, if any."""
        return next(
            (
                c
                for c in self._chats.values()
                if c.account_id == account_id and c.session_id == session_id and not c.ended_at
            ),
            None,
        )

    def from_consumer(self, session: ConsumerSession, message: Message) -> None:
        """A consumer's ``chat.message`` {text} or ``chat.end``; NotFound without a chat."""
        chat = self.of_session(session.account_id, session.id)
        if chat is None:
            raise Conflict("no chat is going on this session: send chat.start first")
        if message.get("type") == "chat.end":
            self._end(chat, "consumer")
            return
        self._say(chat, "consumer", chat.end_user, _text(message.get("text")))

    def consumer_left(self, session: ConsumerSession) -> None:
        """The consumer's socket closed: her chat ends."""
        chat = self.of_session(session.account_id, session.id)
        if chat is not None:
            self._end(chat, "consumer")

    # --- supervisors ------------------------------------------------------------------------

    def connected(self, account_id: str) -> list[LiveChat]:
        """Chats > Connected: the account's chats an agent took that have not ended."""
        return [
            c for c in self._chats.values() if c.account_id == account_id and c.state == "connected"
        ]

    def get(self, account_id: str, chat_id: str) -> LiveChat:
        """The chat ``chat_id`` of ``account_id`` (another account's: NotFound)."""
        chat = self._chats.get(chat_id)
        if chat is None or chat.account_id != account_id:
            raise NotFound("chat", chat_id, field="chat_id")
        return chat

    def end_by(self, account_id: str, chat_id: str, by: str) -> LiveChat:
        """Actions > End chat, Confirm: the chat ends for both sides (409 once ended)."""
        chat = self.get(account_id, chat_id)
        if chat.ended_at is not None:
            raise Conflict(f"chat {chat_id!r} has already ended")
        self._end(chat, "supervisor", by)
        return chat

    # --- inside -----------------------------------------------------------------------------

    def _now(self, account_id: str) -> str:
        return iso_utc(self._center.clock.now(account_id))

    def _waiting(self, account_id: str) -> list[LiveChat]:
        return [
            c for c in self._chats.values() if c.account_id == account_id and c.state == "waiting"
        ]

    def _queue_agents(self, account_id: str, queue_id: str) -> tuple[str, ...]:
        config = self._center.routing.config(account_id)
        if queue_id not in config.queues:
            return ()
        teams = {t.id: t.members for t in self._center.store.list_teams(account_id)}
        users, _ = recipients(config.queue(queue_id), teams)
        return users

    def _issue(self, account_id: str, queue_id: str) -> str:
        """The queue's menu path, root first: what the consumer chose."""
        config = self._center.routing.config(account_id)
        names: list[str] = []
        current: str | None = queue_id
        while current is not None and current in config.queues and len(names) < 32:
            queue = config.queue(current)
            names.append(queue.name)
            current = queue.parent_id
        return " > ".join(reversed(names))

    def _offer(self, chat: LiveChat, channel: AgentChannel) -> None:
        if channel in chat.offered_to:
            return
        chat.offered_to.append(channel)
        waiting = len(self._waiting(chat.account_id))
        channel.send(
            {
                "type": "chat.offered",
                "chat": chat.id,
                "end_user": chat.end_user,
                "issue": chat.issue,
                "queue_id": chat.queue_id,
                "waiting": waiting,
            }
        )

    def _accept(self, chat: LiveChat, channel: AgentChannel) -> None:
        if chat.agent is not None:
            message = "already yours" if chat.agent is channel else "another agent took it"
            channel.send({"type": "chat.refused", "chat": chat.id, "message": message})
            return
        if channel not in chat.offered_to:
            channel.send({"type": "chat.refused", "chat": chat.id, "message": "not offered"})
            return
        user = self._center.get_user(chat.account_id, channel.user_id)
        chat.agent, chat.agent_name = channel, user.name
        chat.connected_at = self._now(chat.account_id)
        waiting = len(self._waiting(chat.account_id))
        channel.send(
            {
                "type": "chat.connected",
                "chat": chat.id,
                "end_user": chat.end_user,
                "issue": chat.issue,
                "messages": list(chat.messages),
            }
        )
        for other in chat.offered_to:
            if other is not channel:
                other.send({"type": "chat.taken", "chat": chat.id, "waiting": waiting})
        chat.to_consumer({"type": "chat.connected", "chat_id": chat.id, "agent": user.name})
        self._center.publish(
            chat.account_id, "chat.connected", chat_id=chat.id, user_id=channel.user_id
        )

    def _say(self, chat: LiveChat, side: str, name: str, text: str) -> None:
        said = {"from": side, "name": name, "text": text, "at": self._now(chat.account_id)}
        chat.messages.append(said)
        if side == "consumer" and chat.agent is not None:
            chat.agent.send({"type": "chat.message", "chat": chat.id, **said})
        elif side == "agent":
            chat.to_consumer({"type": "chat.message", "chat_id": chat.id, **said})

    def _end(self, chat: LiveChat, side: str, by: str | None = None) -> None:
        chat.ended_at = self._now(chat.account_id)
        chat.ended_by = by or side
        ended = {"type": "chat.ended", "chat": chat.id, "by": side}
        chat.to_consumer({"type": "chat.ended", "chat_id": chat.id, "by": side})
        if chat.agent is not None:
            chat.agent.send(ended)
        else:
            waiting = len(self._waiting(chat.account_id))
            for channel in chat.offered_to:
                channel.send({**ended, "waiting": waiting})
        self._center.publish(chat.account_id, "chat.ended", chat_id=chat.id, by=side)


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidField("text", "must be a non-empty string")
    if len(value) > MAX_TEXT:
        raise InvalidField("text", f"must be at most {MAX_TEXT} characters")
    return value
