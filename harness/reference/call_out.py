"""Calling out from hotlines (SG-ERR): the service part the API uses.

The rules are in :mod:`harness.reference.domain.call_out`; here they meet the store, the
directory (a user's groups are the account's teams) and the live outbound calls. Every attempt,
failed or placed, is logged under its Call ID so that support can look it up; a failed attempt
gets a Call ID of its own although nothing was dialled.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

import aiohttp

from .clock import iso_utc
from .domain import call_out as rules
from .domain.call_out import CallMode, CallOutRefusal, CallOutSettings, Hotline
from .domain.errors import Conflict, NotFound
from .service import ContactCenter
from .store_call_out import Attempt, CallOutTables, SignallingMessage


class CallOut:
    """The account's hotlines, blacklist, call-out settings and attempts."""

    def __init__(self, center: ContactCenter) -> None:
        self.center = center
        self.tables = CallOutTables(center.store)

    # --- hotlines (SG-ERR-2 to 5) ------------------------------------------------------------

    def hotline(self, account_id: str, number_id: str) -> Hotline:
        """The hotline's configuration; a deleted hotline is shown deleted."""
        stored = self.tables.hotline(account_id, number_id)
        if stored is not None and stored.deleted:
            return stored
        self.center.get_number(account_id, number_id)  # NotFound for a number never known
        return stored or Hotline(number_id)

    def update_hotline(
        self, account_id: str, number_id: str, changes: Mapping[str, Any]
    ) -> Hotline:
        """Change the hotline's call-out configuration; a bad member is refused naming it."""
        current = self.hotline(account_id, number_id)
        if current.deleted:
            raise Conflict("the hotline was deleted; only support can bring it back")
        teams = [team.id for team in self.center.list_teams(account_id)]
        updated = rules.update_hotline(current, changes, teams)
        self.tables.save_hotline(account_id, updated, None)
        return updated

    def delete_hotline(self, account_id: str, number_id: str) -> Hotline:
        """The hotline is deleted: calls out from it fail with FROM_NUMBER_NOT_FOUND."""
        current = self.hotline(account_id, number_id)
        if current.deleted:
            return current  # deleting twice leaves it deleted
        deleted = Hotline(
            number_id, current.allow_call_out, current.all_groups, current.groups, deleted=True
        )
        self.tables.save_hotline(account_id, deleted, iso_utc(self.center.clock.now(account_id)))
        return deleted

    # --- blacklist (SG-ERR-7) and settings -------------------------------------------------

    def blacklist(self, account_id: str) -> list[str]:
        """The blocked customer numbers."""
        return self.tables.blacklist(account_id)

    def block(self, account_id: str, number: object, blocked: bool) -> list[str]:
        """Put ``number`` on the blacklist or take it off; a number not on it is not found."""
        e164 = rules.blocked_number(number)
        changed = self.tables.set_blocked(account_id, e164, blocked)
        if not blocked and not changed:
            raise NotFound("blacklisted number", e164, field="number")
        return self.blacklist(account_id)

    def settings(self, account_id: str) -> CallOutSettings:
        """The account's answer URL and stuck-call timeout."""
        return self.tables.settings(account_id)

    def update_settings(self, account_id: str, changes: Mapping[str, Any]) -> CallOutSettings:
        """Change the settings; a bad member is refused naming it and nothing changes."""
        updated = rules.update_settings(self.settings(account_id), changes)
        self.tables.save_settings(account_id, updated)
        return updated

    # --- attempts ------------------------------------------------------------------------------

    async def check(
        self,
        account_id: str,
        *,
        agent_id: str,
        number_id: str,
        to: str,
        mode: CallMode,
        from_app: bool = False,
    ) -> Attempt | None:
        """The failed attempt (logged, with its Call ID) when the call may not be placed.

        ``from_app``: the agent places it in her agent app, whose own audio leg the call uses,
        so she is reachable whether or not she has a registered phone.
        """
        cc = self.center
        agent = cc.get_user(account_id, agent_id)
        hotline: Hotline | None
        try:
            hotline = self.hotline(account_id, number_id)
        except NotFound:
            hotline = None
        request = rules.CallOutRequest(
            hotline=hotline,
            agent_teams=frozenset(
                t.id for t in cc.list_teams(account_id) if t.member(agent.id) is not None
            ),
            to=to,
            blacklist=frozenset(self.blacklist(account_id)),
            agent_reachable=from_app or bool(cc.registered_contacts(agent.id)),
            agent_in_call=cc.tickets.agent_in_outbound_call(agent.id),
            agent_name=agent.name,
        )
        refusal = rules.decide(request)
        call_id = self.new_call_id()
        if refusal is None:
            refusal = await self._ask_answer_url(account_id, call_id, agent_id, number_id, to)
        if refusal is None:
            return None
        return self._log(account_id, call_id, agent_id, number_id, to, mode, refusal)

    def placed(
        self, account_id: str, call_id: str, agent_id: str, number_id: str, to: str, mode: CallMode
    ) -> None:
        """Log a call that was placed."""
        self.tables.insert_attempt(
            Attempt(
                call_id,
                account_id,
                agent_id,
                number_id,
                to,
                mode.value,
                None,
                "placed",
                iso_utc(self.center.clock.now(account_id)),
            )
        )

    def attempt(self, account_id: str, call_id: str) -> Attempt:
        """The attempt with ``call_id``, or NotFound."""
        found = self.tables.attempt(account_id, call_id)
        if found is None:
            raise NotFound("call attempt", call_id)
        return found

    def signalling(self, account_id: str, call_id: str) -> list[SignallingMessage]:
        """The SIP messages kept for the ended call ``call_id`` (NotFound when none were)."""
        messages = self.tables.signalling(account_id, call_id)
        if not messages:
            raise NotFound("signalling capture of call", call_id)
        return messages

    def new_call_id(self) -> str:
        """A Call ID no call and no attempt has, in the format of the outbound calls'."""
        while True:
            candidate = f"CALL-{secrets.randbelow(10**10):010d}"
            taken = (
                self.center.tickets.outbound(candidate) is not None
                or self.center.store.account_of_call(candidate) is not None
                or self.tables.call_id_taken(candidate)
            )
            if not taken:
                return candidate

    def _log(
        self,
        account_id: str,
        call_id: str,
        agent_id: str,
        number_id: str,
        to: str,
        mode: CallMode,
        refusal: CallOutRefusal,
    ) -> Attempt:
        attempt = Attempt(
            call_id,
            account_id,
            agent_id,
            number_id,
            to,
            mode.value,
            refusal.code.value,
            refusal.message,
            iso_utc(self.center.clock.now(account_id)),
        )
        self.tables.insert_attempt(attempt)
        self.center.bus.publish(
            account_id,
            {
                "type": "call.failed",
                "at": attempt.at,
                "call_id": call_id,
                "direction": "outbound",
                "code": attempt.code,
            },
        )
        return attempt

    async def _ask_answer_url(
        self, account_id: str, call_id: str, agent_id: str, number_id: str, to: str
    ) -> CallOutRefusal | None:
        """Ask the account's answer URL how to connect the call (SG-ERR-11): a refusal when
        it does not answer 2xx with a JSON object in time."""
        settings = self.settings(account_id)
        if settings.answer_url is None:
            return None
        body = {"call_id": call_id, "agent_id": agent_id, "number_id": number_id, "to": to}
        timeout = aiohttp.ClientTimeout(total=settings.answer_timeout_s)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.post(settings.answer_url, json=body) as response,
            ):
                if response.status >= 300:
                    return rules.answer_url_refusal(f"it answered {response.status}")
                answer = await response.json(content_type=None)
        except TimeoutError:
            return rules.answer_url_refusal(f"no answer within {settings.answer_timeout_s:g} s")
        except (aiohttp.ClientError, ValueError) as exc:
            return rules.answer_url_refusal(f"{type(exc).__name__}: {exc}")
        if not isinstance(answer, dict):
            return rules.answer_url_refusal("its answer is not a JSON object")
        return None
