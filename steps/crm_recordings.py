"""Steps for call recordings kept in the CRM (seed 004, CC-REC-1 to 4, 6).

Thin by design: each step parses its arguments and calls one helper of
:mod:`harness.scenario.crm_recordings`.
"""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.scenario.calls import CallFlows
from harness.scenario.crm_recordings import CrmRecordingDesk


@given("recordings are kept in the CRM")
def kept_in_crm(crm_recording_desk: CrmRecordingDesk) -> None:
    crm_recording_desk.keep_in_crm()


@given(parsers.parse("recordings are kept in the CRM in parts of {part_bytes:d} bytes"))
def kept_in_parts(crm_recording_desk: CrmRecordingDesk, part_bytes: int) -> None:
    crm_recording_desk.keep_in_crm(part_bytes)


@given(parsers.re(r"the CRM (?P<fault>does not acknowledge uploads|answers uploads with .+)$"))
def crm_fault(crm_recording_desk: CrmRecordingDesk, fault: str) -> None:
    crm_recording_desk.fault(fault)


@when("the CRM takes uploads again")
def crm_heals(crm_recording_desk: CrmRecordingDesk) -> None:
    crm_recording_desk.heal()


@when(parsers.re(r"(?P<days>\d+) days? pass(?:es)? on the contact center's clock$"))
def days_pass(crm_recording_desk: CrmRecordingDesk, days: str) -> None:
    crm_recording_desk.days_pass(int(days))


@then(
    parsers.parse(
        "the CRM ticket of the call holds the recording with the audio of the customer and"
        ' "{agent}"'
    )
)
def in_crm(crm_recording_desk: CrmRecordingDesk, flows: CallFlows, agent: str) -> None:
    crm_recording_desk.expect_in_crm(flows.last, agent)


@then(
    parsers.parse(
        "the CRM ticket of the call holds the recording as parts of {part_bytes:d} bytes in"
        " order, at least {parts:d}, which joined give back the recording with the audio of the"
        ' customer and "{agent}"'
    )
)
def in_crm_parts(
    crm_recording_desk: CrmRecordingDesk, flows: CallFlows, part_bytes: int, parts: int, agent: str
) -> None:
    crm_recording_desk.expect_in_crm(flows.last, agent)
    crm_recording_desk.expect_part_size(flows.last, part_bytes, parts)


@then(parsers.parse('the recording is deleted from the contact center: "{user}" cannot play it'))
def gone(crm_recording_desk: CrmRecordingDesk, flows: CallFlows, user: str) -> None:
    crm_recording_desk.expect_gone_from_origin(flows.last, user)


@then("the recording is still in the contact center, waiting for the CRM")
def still_there(crm_recording_desk: CrmRecordingDesk, flows: CallFlows) -> None:
    crm_recording_desk.expect_kept(flows.last)


@then(
    parsers.parse(
        'the CRM refuses the upload; the contact center keeps the recording, saying "{reason}"'
    )
)
def refused_kept(crm_recording_desk: CrmRecordingDesk, flows: CallFlows, reason: str) -> None:
    crm_recording_desk.expect_refused_and_kept(flows.last, reason)


@then(
    parsers.re(
        r"the upload is tried again (?P<minutes>\d+) minutes? after the last try on the contact"
        r" center's clock, not sooner$"
    )
)
def retried(crm_recording_desk: CrmRecordingDesk, flows: CallFlows, minutes: str) -> None:
    crm_recording_desk.expect_retry_after(flows.last, int(minutes))


@then("the recording is deleted from the contact center unsent, its ticket saying so")
def expired(crm_recording_desk: CrmRecordingDesk, flows: CallFlows) -> None:
    crm_recording_desk.expect_expired(flows.last)


@then(
    parsers.re(
        r"the retained recording is refused to (?:the account's API key|\"(?P<user>[^\"]+)\")"
        r"(?P<mfa> with MFA| without MFA)?(?P<key>, even with a CRM key| but without a CRM key)?$"
    )
)
def retained_refused(
    crm_recording_desk: CrmRecordingDesk,
    flows: CallFlows,
    user: str | None,
    mfa: str | None,
    key: str | None,
) -> None:
    crm_recording_desk.expect_retained_refused(
        flows.last,
        user,
        mfa=mfa == " with MFA",
        crm_key=key == ", even with a CRM key",
    )


@then(parsers.parse('the retained recording\'s ordinary link is refused to "{user}"'))
def ordinary_link_refused(
    crm_recording_desk: CrmRecordingDesk, flows: CallFlows, user: str
) -> None:
    crm_recording_desk.expect_ordinary_link_refused(flows.last, user)


@then(
    parsers.parse(
        '"{user}", with MFA and an authenticated CRM key, gets the retained recording with the'
        ' audio of the customer and "{agent}"'
    )
)
def retained_served(
    crm_recording_desk: CrmRecordingDesk, flows: CallFlows, user: str, agent: str
) -> None:
    crm_recording_desk.expect_retained_served(flows.last, user, agent)
