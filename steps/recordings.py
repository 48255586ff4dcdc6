"""Steps for call recordings in tickets and the notification email (seed 001, ZT-TKT-12, 14-16).

Thin by design: each step parses its arguments and calls one helper of
:mod:`harness.scenario.recordings`.
"""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.scenario.calls import CallFlows
from harness.scenario.cast import Cast
from harness.scenario.phrases import names
from harness.scenario.recordings import RecordingDesk


@given("calls are recorded")
def calls_recorded(recording_desk: RecordingDesk) -> None:
    recording_desk.configure(recording=True)


@given(parsers.parse("the admin {choice} users to play recordings"))
def admin_playing_choice(recording_desk: RecordingDesk, choice: str) -> None:
    if choice not in ("allows", "forbids"):
        raise ValueError(f"say 'allows' or 'forbids', not {choice!r}")
    recording_desk.configure(playable=choice == "allows")


@given("ticket notifications are emailed to the support team")
def notifications_emailed(recording_desk: RecordingDesk) -> None:
    recording_desk.notifications_to_mailbox()


@given(parsers.parse('an administrator "{name}"'))
def an_administrator(cast: Cast, name: str) -> None:
    cast.add_agent(name, role="admin")


@when(parsers.re(r'"(?P<user>[^"]+)" deletes the call\'s recording from the ticket(?: again)?$'))
def deletes_recording(recording_desk: RecordingDesk, flows: CallFlows, user: str) -> None:
    recording_desk.delete(flows.last, user)


@then(
    parsers.parse(
        'the ticket holds the recording of the call with the audio of the customer and "{agent}"'
    )
)
def recording_has_both(recording_desk: RecordingDesk, flows: CallFlows, agent: str) -> None:
    recording_desk.expect_both_recorded(flows.last, agent, agent)


@then(
    parsers.parse(
        'the link of the notification email, followed by "{user}", plays the audio of the'
        ' customer and "{agent}"'
    )
)
def mail_link_plays(recording_desk: RecordingDesk, flows: CallFlows, user: str, agent: str) -> None:
    recording_desk.expect_mail_link_plays(flows.last, agent, user)


@then(parsers.parse('the link of the notification email, followed by "{user}", is refused'))
def mail_link_refused(recording_desk: RecordingDesk, flows: CallFlows, user: str) -> None:
    recording_desk.expect_mail_link_refused(flows.last, user)


@then(parsers.re(r"no user can play the call's recording: (?P<users>.+) are refused$"))
def nobody_plays(recording_desk: RecordingDesk, flows: CallFlows, users: str) -> None:
    recording_desk.expect_play_refused(flows.last, names(users))


@then(parsers.parse('the recording is deleted: the ticket marks it and "{user}" cannot play it'))
def recording_deleted(recording_desk: RecordingDesk, flows: CallFlows, user: str) -> None:
    recording_desk.expect_deleted(flows.last, user)


@then("the deletion is refused saying the recording was already deleted, and nothing changes")
def deletion_refused(recording_desk: RecordingDesk, flows: CallFlows) -> None:
    recording_desk.expect_refused_unchanged(flows.last, "recording", "already deleted")
