"""Recognising the "stuck answered call" signature (AC-ANS-3..5) from what every party saw.

The seed describes it by symptoms, and the harness checks each one independently:
routing is active (the agent's phone rang), one or more agents tried to answer, no media flowed
(the caller hears silence, the agent hears nothing), the timeline says the user did not answer,
and once the caller hangs up the call is logged as Missed. On a vendor's platform this is a
defect the suite finds; on the reference it is provoked by an injected fault to prove the check.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.sut.model import CallLogEntry, TimelineKind

SIGNATURE_NAME = "stuck answered call"


@dataclass(frozen=True)
class AnswerAttemptSeen:
    agent: str
    registered: bool | None  # None when the SUT does not report attempts


@dataclass(frozen=True)
class Diagnosis:
    sip_call_id: str
    call_id: str | None
    rang: tuple[str, ...]
    attempts: tuple[AnswerAttemptSeen, ...]
    caller_heard: tuple[str, ...]
    heard_caller: tuple[str, ...]
    did_not_answer: tuple[str, ...]  # agents the timeline says did not answer
    status: str | None

    @property
    def stuck(self) -> bool:
        """Routed, answered, and silent both ways: what the parties saw, whatever the SUT
        logged (a wrong log is a second defect, named by :meth:`describe`)."""
        routed = bool(self.rang)
        tried = bool(self.attempts)
        silent = not self.caller_heard and not self.heard_caller
        return routed and tried and silent

    @property
    def log_defects(self) -> tuple[str, ...]:
        """What the SUT's own records say that contradicts a stuck call."""
        if not self.stuck:
            return ()
        defects = []
        if self.status == "answered":
            defects.append("logged as Answered although no audio flowed")
        registered = [a.agent for a in self.attempts if a.registered is True]
        if registered:
            defects.append(f"the answer of {', '.join(registered)} was registered")
        return tuple(defects)

    def describe(self) -> str:
        """One paragraph for the verdict and the report, naming each symptom as observed."""
        state = {False: "not registered", True: "registered", None: "unknown"}
        attempts = ", ".join(f"{a.agent} ({state[a.registered]})" for a in self.attempts)
        head = SIGNATURE_NAME if self.stuck else "not a stuck answered call"
        return (
            f"{head}: Call ID {self.call_id or '?'} (SIP Call-ID {self.sip_call_id}); "
            f"routed to {', '.join(self.rang) or 'nobody'}; answer attempts: {attempts or 'none'}; "
            f"caller heard: {', '.join(self.caller_heard) or 'silence'}; "
            f"heard the caller: {', '.join(self.heard_caller) or 'nobody'}; "
            f"timeline says did not answer: {', '.join(self.did_not_answer) or 'nobody'}; "
            f"logged status: {self.status or 'not yet final'}"
            + "".join(f"; also wrong: {defect}" for defect in self.log_defects)
        )


def diagnose(
    *,
    sip_call_id: str,
    entry: CallLogEntry | None,
    rang: list[str],
    answered: list[str],
    caller_heard: list[str],
    heard_caller: list[str],
    agent_names: dict[str, str],
) -> Diagnosis:
    """Combine the parties' observations with the SUT's call log (``agent_names``: id -> name)."""
    registered: dict[str, bool] = {}
    did_not_answer: list[str] = []
    if entry is not None:
        for attempt in entry.attempts:
            registered[agent_names.get(attempt.user_id, attempt.user_id)] = attempt.registered
        for item in entry.timeline:
            if item.kind == TimelineKind.NO_ANSWER and item.user_id is not None:
                name = agent_names.get(item.user_id, item.user_id)
                if name not in did_not_answer:
                    did_not_answer.append(name)
    return Diagnosis(
        sip_call_id=sip_call_id,
        call_id=entry.call_id if entry else None,
        rang=tuple(dict.fromkeys(rang)),
        attempts=tuple(AnswerAttemptSeen(a, registered.get(a)) for a in dict.fromkeys(answered)),
        caller_heard=tuple(dict.fromkeys(caller_heard)),
        heard_caller=tuple(dict.fromkeys(heard_caller)),
        did_not_answer=tuple(did_not_answer),
        status=entry.status if entry and entry.is_final else None,
    )
