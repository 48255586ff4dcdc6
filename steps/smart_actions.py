"""Steps for smart actions (CC-SA); each calls one method of
:class:`harness.scenario.smart_actions.SmartActionDesk`."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.scenario.redaction import RedactDesk
from harness.scenario.smart_actions import SmartActionDesk

COUNTED = r"(?P<count>\d+) (?P<words>photos|videos)"
SINGLE = r"(?P<words>an identity check|a screenshot|text input|a redact)"
PARTY = r'"(?P<name>[^"]+)"'
AGENT = r'"(?P<agent>[^"]+)"'
DURING = r"during the (?P<during>call|chat)$"
MEDIA = r"(?P<count>\d+) (?P<content>png|jpeg|mp4|gif) files?$"
ANSWER = rf'{AGENT} has the answer "(?P<result>[^"]+)" of {PARTY} at once'


@given(
    parsers.re(
        rf'{PARTY} is in a (?P<channel>mobile|web)-SDK (?P<talk>call|chat) of "(?P<queue>[^"]+)"$'
    )
)
def in_session(smart_desk: SmartActionDesk, name: str, channel: str, talk: str, queue: str) -> None:
    smart_desk.in_session(name, channel, talk, queue)


@given("redact is enabled for the account")
def redact_on(smart_desk: SmartActionDesk) -> None:
    smart_desk.enable_redact()


@when(parsers.re(rf"{AGENT} requests {COUNTED} from {PARTY} {DURING}"))
def request_counted(
    smart_desk: SmartActionDesk, agent: str, count: str, words: str, name: str, during: str
) -> None:
    smart_desk.request(name, words, during, int(count))


@when(parsers.re(rf"{AGENT} requests {SINGLE} from {PARTY} {DURING}"))
def request_single(
    smart_desk: SmartActionDesk, agent: str, words: str, name: str, during: str
) -> None:
    smart_desk.request(name, words, during)


@then(parsers.re(rf'the app of "(?P<name>[^"]+)" is asked for {COUNTED}$'))
def asked_counted(smart_desk: SmartActionDesk, name: str, count: str, words: str) -> None:
    smart_desk.expect_asked(name, words, int(count))


@then(parsers.re(rf'the app of "(?P<name>[^"]+)" is asked for {SINGLE}$'))
def asked_single(smart_desk: SmartActionDesk, name: str, words: str) -> None:
    smart_desk.expect_asked(name, words)


@then(
    parsers.parse('the request is refused naming "{words}", and the app of "{name}" is not asked')
)
def request_refused(smart_desk: SmartActionDesk, words: str, name: str) -> None:
    smart_desk.expect_refused(name, words)


@when(parsers.parse('"{name}" is verified by {method}'))
def verified(smart_desk: SmartActionDesk, name: str, method: str) -> None:
    smart_desk.verify(name, "verified", method.replace(" ", "_"))


@when(parsers.re(rf"{PARTY} grants access and sends {MEDIA}"))
def sends_media(smart_desk: SmartActionDesk, name: str, count: str, content: str) -> None:
    smart_desk.send_media(name, int(count), content)


@when(parsers.parse('"{name}" refuses access to the camera and photos'))
def denies(smart_desk: SmartActionDesk, name: str) -> None:
    smart_desk.deny(name)


@when(parsers.parse('"{name}" enters the text "{text}"'))
def enters_text(smart_desk: SmartActionDesk, name: str, text: str) -> None:
    smart_desk.enter_text(name, text)


@when(parsers.re(rf"{PARTY} tries to send {MEDIA}"))
def tries_media(smart_desk: SmartActionDesk, name: str, count: str, content: str) -> None:
    smart_desk.try_send_media(name, int(count), content)


@then(parsers.parse('the answer is refused naming "{words}", and "{name}" is still asked'))
def answer_refused(smart_desk: SmartActionDesk, words: str, name: str) -> None:
    smart_desk.expect_answer_refused(words)
    smart_desk.expect_still_waiting(name)


@then(parsers.re(rf"{ANSWER}$"))
def has_answer(smart_desk: SmartActionDesk, agent: str, result: str, name: str) -> None:
    smart_desk.expect_agent_has(name, result)


@then(parsers.re(rf'{ANSWER}, with (?P<key>method|text) "(?P<value>[^"]+)"$'))
def has_answer_with(
    smart_desk: SmartActionDesk, agent: str, result: str, name: str, key: str, value: str
) -> None:
    smart_desk.expect_agent_has(
        name, result, **{key: value.replace(" ", "_") if key == "method" else value}
    )


@when(parsers.parse('"{name}" attaches "{file_name}" holding {content} with the paperclip'))
def attaches(smart_desk: SmartActionDesk, name: str, file_name: str, content: str) -> None:
    smart_desk.attach(name, file_name, content)


@then(parsers.parse('the agent has "{file_name}" from "{name}", byte for byte'))
def attached(smart_desk: SmartActionDesk, file_name: str, name: str) -> None:
    smart_desk.expect_attached(name, file_name)


@then(
    parsers.parse(
        'the file is refused naming "{words}", and the agent has nothing new from "{name}"'
    )
)
def attachment_refused(smart_desk: SmartActionDesk, words: str, name: str) -> None:
    smart_desk.expect_attachment_refused(name, words)


@when(parsers.parse('"{agent}" starts a redact on the call, from the session of "{name}"'))
def starts_redact(redact_desk: RedactDesk, agent: str, name: str) -> None:
    redact_desk.start(name)


@when(parsers.parse('"{agent}" ends the redact of "{name}"'))
def ends_redact(redact_desk: RedactDesk, agent: str, name: str) -> None:
    redact_desk.end(name)


@then(
    parsers.parse(
        'the recording of the call, played by "{agent}", is silent for as long as the redact'
        ' lasted, with the customer and "{agent2}" heard before and after it'
    )
)
def recording_redacted(redact_desk: RedactDesk, agent: str, agent2: str) -> None:
    redact_desk.expect_redacted(agent2, agent)


@when(parsers.parse('"{agent}" requests a redact for the call "{call_id}" from "{name}"'))
def redact_unknown_call(smart_desk: SmartActionDesk, agent: str, call_id: str, name: str) -> None:
    smart_desk.request(name, "a redact", "call", call_id=call_id)


@then(
    parsers.parse(
        'the answer is refused naming "{words}", and the agent keeps the first answer of "{name}"'
    )
)
def second_answer_refused(smart_desk: SmartActionDesk, words: str, name: str) -> None:
    smart_desk.expect_answer_refused(words)
    smart_desk.expect_first_answer_kept(name)
