"""Steps for consumers' chats reaching agents and supervisors watching them; each calls one
method of :class:`harness.scenario.chats.ChatDesk`."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.scenario.chat_pages import ChatPagesDesk
from harness.scenario.chat_tones import ChatTones
from harness.scenario.chats import ChatDesk


@given(parsers.parse('a consumer queue "{child}" under the menu "{parent}", answered by "{agent}"'))
def sub_queue(chat_desk: ChatDesk, child: str, parent: str, agent: str) -> None:
    chat_desk.add_sub_queue(parent, child, agent)


@given(parsers.parse('"{agent}" has the agent app open'))
def app_open(chat_desk: ChatDesk, agent: str) -> None:
    chat_desk.connect_app(agent)


@given(parsers.re(r'an? (?P<role>admin|manager|supervisor|agent) "(?P<name>[^"]+)" watches chats$'))
def supervisor(chat_desk: ChatDesk, role: str, name: str) -> None:
    chat_desk.add_supervisor(name, role)


@when(parsers.parse('a customer starts a chat on the queue "{queue}"'))
def starts(chat_desk: ChatDesk, queue: str) -> None:
    chat_desk.start(queue)


@then(parsers.parse('"{agent}" is offered the customer\'s chat within {seconds:g} s'))
def offered(chat_desk: ChatDesk, agent: str, seconds: float) -> None:
    chat_desk.offered(agent, seconds)


@when(parsers.parse('"{agent}" accepts the chat'))
def accepts(chat_desk: ChatDesk, agent: str) -> None:
    chat_desk.accept(agent)


@then(parsers.parse('the customer is told "{agent}" joined the chat'))
def told_joined(chat_desk: ChatDesk, agent: str) -> None:
    chat_desk.customer_told_joined(agent)


@then(parsers.parse('"{agent}" is told the chat was taken'))
def taken(chat_desk: ChatDesk, agent: str) -> None:
    chat_desk.taken(agent)


@when(parsers.parse('the customer writes "{text}"'))
def customer_writes(chat_desk: ChatDesk, text: str) -> None:
    chat_desk.customer_says(text)


@when(parsers.parse('"{agent}" writes "{text}"'))
def agent_writes(chat_desk: ChatDesk, agent: str, text: str) -> None:
    chat_desk.agent_says(agent, text)


@then(parsers.parse('"{agent}" reads "{text}" in the chat'))
def agent_reads(chat_desk: ChatDesk, agent: str, text: str) -> None:
    chat_desk.agent_reads(agent, text)


@then(parsers.parse('the customer reads "{text}" in the chat'))
def customer_reads(chat_desk: ChatDesk, text: str) -> None:
    chat_desk.customer_reads(text)


@when("the customer ends the chat")
def customer_ends(chat_desk: ChatDesk) -> None:
    chat_desk.customer_ends()


@when(parsers.parse('"{agent}" ends the chat'))
def agent_ends(chat_desk: ChatDesk, agent: str) -> None:
    chat_desk.agent_ends(agent)


@when(parsers.parse('"{agent}" closes the agent app'))
def closes_app(chat_desk: ChatDesk, agent: str) -> None:
    chat_desk.close_app(agent)


@then("the customer is told the chat ended because the agent left")
def told_agent_left(chat_desk: ChatDesk) -> None:
    chat_desk.customer_told_ended("agent_gone")


@then(parsers.parse('the chat has ended for "{agent}" and the customer, ended by the {by}'))
def ended(chat_desk: ChatDesk, agent: str, by: str) -> None:
    chat_desk.ended_for(agent, by)


@then(parsers.re(r'Chats > Connected as "(?P<who>[^"]+)" (?P<how>lists|does not list) the chat$'))
def listed(chat_desk: ChatDesk, who: str, how: str) -> None:
    chat_desk.expect_listed(who, how == "lists")


@when(parsers.parse('"{who}" views the live chat from Chats > Connected'))
def views(chat_desk: ChatDesk, who: str) -> None:
    chat_desk.watch(who)


@then(
    parsers.re(
        r'the live chat view shows "(?P<agent>[^"]+)", the customer\'s unique ID, the issue '
        r'"(?P<issue>[^"]+)" and (?P<crm>a|no) link to the CRM record$'
    )
)
def view_shows(chat_desk: ChatDesk, agent: str, issue: str, crm: str) -> None:
    chat_desk.expect_view(agent, issue, crm == "a")


@then(parsers.parse('the chat details show the messages "{first}" and "{second}"'))
def details(chat_desk: ChatDesk, first: str, second: str) -> None:
    chat_desk.expect_messages([first, second])


@then(parsers.parse('nothing reveals the watching to "{agent}" or to the customer'))
def unrevealed(chat_desk: ChatDesk, agent: str) -> None:
    chat_desk.expect_unrevealed(agent)


@when(parsers.parse('"{who}" ends the chat from Chats > Connected and confirms'))
def ends_from_page(chat_desk: ChatDesk, who: str) -> None:
    chat_desk.end_as(who)


@then("the contact center refuses, and the chat goes on")
def refused(chat_desk: ChatDesk) -> None:
    chat_desk.expect_refused()


# -- chat notifications in the agent app (CC-NTF-7) --
@given(
    parsers.re(
        r'the admin chooses "(?P<new_chat>[^"]+)" as the new-chat tone, '
        r"(?:repeated every (?P<every>\d+) seconds|played once), "
        r'and "(?P<message>[^"]+)" as the new-message tone$'
    )
)
def chooses_chat_tones(
    chat_tones: ChatTones, new_chat: str, every: str | None, message: str
) -> None:
    chat_tones.choose(new_chat, int(every) if every else None, message)


@when(parsers.parse('"{agent}" accepts the chat in the agent app'))
def accepts_in_app(chat_tones: ChatTones, agent: str) -> None:
    chat_tones.accept(agent)


@then(
    parsers.parse(
        'the agent app of "{agent}" plays the new-chat tone "{tone}" {times:d} times,'
        " every {every:d} seconds"
    )
)
def chat_tone_repeats(chat_tones: ChatTones, agent: str, tone: str, times: int, every: int) -> None:
    chat_tones.expect_repeats(agent, tone, times, every)


@then(
    parsers.re(
        r'the agent app of "(?P<agent>[^"]+)" plays the (?P<kind>new-chat|new-message) tone '
        r'"(?P<tone>[^"]+)"(?: (?P<times>\d+) times)?$'
    )
)
def chat_tone_plays(
    chat_tones: ChatTones, agent: str, kind: str, tone: str, times: str | None
) -> None:
    chat_tones.expect_started(agent, kind, tone, int(times) if times else 1)


@then(parsers.parse('the agent app of "{agent}" plays no more {kind} tone for {seconds:d} seconds'))
def no_more_chat_tone(chat_tones: ChatTones, agent: str, kind: str, seconds: int) -> None:
    chat_tones.expect_no_more(agent, kind, seconds)


# -- the dashboard's Chats > Connected page (CC-MON-6, 9, 10, CC-END-1) --
@then(
    parsers.re(
        r'Chats > Connected on the dashboard of "(?P<who>[^"]+)" (?P<how>lists|does not list) '
        r"the chat$"
    )
)
def page_lists(chat_pages: ChatPagesDesk, who: str, how: str) -> None:
    chat_pages.expect_listed(who, how == "lists")


@when(parsers.parse('"{who}" views the live chat on the dashboard, then closes it with the X'))
def page_views(chat_pages: ChatPagesDesk, who: str) -> None:
    chat_pages.view(who)


@then(
    parsers.re(
        r'the dashboard\'s live chat view showed "(?P<agent>[^"]+)", the customer\'s unique ID, '
        r'the issue "(?P<issue>[^"]+)", (?P<crm>a|no) link to the CRM record and '
        r'the messages "(?P<first>[^"]+)" and "(?P<second>[^"]+)"$'
    )
)
def page_view_showed(
    chat_pages: ChatPagesDesk, agent: str, issue: str, crm: str, first: str, second: str
) -> None:
    chat_pages.expect_view(agent, issue, crm == "a", [first, second])


@then(parsers.parse('the chat details on the dashboard of "{who}" show the session of "{agent}"'))
def page_details(chat_pages: ChatPagesDesk, who: str, agent: str) -> None:
    chat_pages.expect_details(who, agent)


@when(parsers.parse('"{who}" ends the chat on the dashboard and confirms'))
def page_ends(chat_pages: ChatPagesDesk, who: str) -> None:
    chat_pages.end(who)


@when(parsers.parse('"{agent}" writes "{text}" in the agent app'))
def writes_in_app(chat_tones: ChatTones, agent: str, text: str) -> None:
    chat_tones.write(agent, text)


@when(parsers.parse('"{agent}" ends the chat in the agent app'))
def ends_in_app(chat_tones: ChatTones, agent: str) -> None:
    chat_tones.end(agent)


@then(parsers.parse('the agent app of "{agent}" shows the message "{text}"'))
def app_shows(chat_tones: ChatTones, agent: str, text: str) -> None:
    chat_tones.expect_shown(agent, text)


@then(parsers.parse("the customer is told the chat was ended by the {by}"))
def told_ended_by(chat_desk: ChatDesk, by: str) -> None:
    chat_desk.customer_told_ended(by)
