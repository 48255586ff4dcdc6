"""Steps for the agent app's conversation: SMS/MMS, the system log, the SMS composer; each
calls one method of :class:`harness.scenario.conversation.AgentConversations`."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.scenario.conversation import AgentConversations
from harness.scenario.insight import CrmInsight
from harness.scenario.phrases import names


@given(
    parsers.re(
        r'"(?P<number>[^"]+)" is a line (?P<eligible>eligible|not eligible) for SMS, '
        r"through the harness's SMS gateway$"
    )
)
def sms_line(agent_conversations: AgentConversations, number: str, eligible: str) -> None:
    agent_conversations.set_line(number, eligible == "eligible")


@when(parsers.re(r'"(?P<number>[^"]+)" is made not eligible for SMS$'))
def line_made_ineligible(agent_conversations: AgentConversations, number: str) -> None:
    agent_conversations.set_line(number, False)


@given(
    parsers.re(
        r'the customer has texted "(?P<number>[^"]+)" "(?P<body>[^"]+)"'
        r"(?P<picture> with a picture)?$"
    )
)
@when(
    parsers.re(
        r'the customer texts "(?P<number>[^"]+)" "(?P<body>[^"]+)"(?P<picture> with a picture)?$'
    )
)
def customer_texts(
    agent_conversations: AgentConversations, number: str, body: str, picture: str | None
) -> None:
    agent_conversations.customer_texts(number, body, picture=bool(picture))


@then(
    parsers.re(
        r'the conversation of "(?P<name>[^"]+)" has the customer\'s (?:SMS|MMS) '
        r'"(?P<body>[^"]+)"(?P<picture> with its picture)?$'
    )
)
def has_customer_sms(
    agent_conversations: AgentConversations, name: str, body: str, picture: str | None
) -> None:
    agent_conversations.expect_customer_sms(name, body, picture=bool(picture))


@then(parsers.re(r'the conversation of "(?P<name>[^"]+)" has her SMS "(?P<body>[^"]+)"$'))
def has_agent_sms(agent_conversations: AgentConversations, name: str, body: str) -> None:
    agent_conversations.expect_agent_sms(name, body)


@then(
    parsers.re(
        r'the conversation of "(?P<name>[^"]+)" (?P<offers>offers|does not offer) an SMS composer$'
    )
)
def composer(agent_conversations: AgentConversations, name: str, offers: str) -> None:
    agent_conversations.expect_composer(name, offers == "offers")


@when(parsers.re(r'"(?P<name>[^"]+)" texts "(?P<body>[^"]+)" from the conversation$'))
def agent_texts(agent_conversations: AgentConversations, name: str, body: str) -> None:
    agent_conversations.agent_texts(name, body)


@then(
    parsers.re(
        r'the SMS gateway receives "(?P<body>[^"]+)" from "(?P<number>[^"]+)" to the customer$'
    )
)
def gateway_received(agent_conversations: AgentConversations, body: str, number: str) -> None:
    agent_conversations.expect_gateway_received(body, number)


@then(
    parsers.re(
        r'"(?P<name>[^"]+)" cannot text "(?P<body>[^"]+)" from the conversation, '
        r'which says "(?P<words>[^"]+)"$'
    )
)
def text_refused(agent_conversations: AgentConversations, name: str, body: str, words: str) -> None:
    agent_conversations.expect_send_refused(name, body, words)


@then(
    parsers.re(r'the system log of the conversation of "(?P<name>[^"]+)" says she (?P<actions>.+)$')
)
def system_log(agent_conversations: AgentConversations, name: str, actions: str) -> None:
    agent_conversations.expect_log(name, names(actions))


# -- the CRM insight card (harness.scenario.insight.CrmInsight) ---------------------------------
@given(
    parsers.re(
        r'the account\'s CRM knows the customer as "(?P<customer>[^"]+)" '
        r'of "(?P<company>[^"]+)"$'
    )
)
def crm_knows(crm_insight: CrmInsight, customer: str, company: str) -> None:
    crm_insight.knows_customer(customer, company)


@given(parsers.re(r"the account's CRM is (?P<mode>slow|down)$"))
def crm_fault(crm_insight: CrmInsight, mode: str) -> None:
    crm_insight.crm_fault(mode)


@then(
    parsers.re(
        r'the pop-up of "(?P<name>[^"]+)" shows the insight card of "(?P<customer>[^"]+)" '
        r'of "(?P<company>[^"]+)"$'
    )
)
def popup_card(crm_insight: CrmInsight, name: str, customer: str, company: str) -> None:
    crm_insight.expect_card(name, customer, company)


@then(
    parsers.re(
        r'the pop-up of "(?P<name>[^"]+)" shows no insight card'
        r'(?:, saying "(?P<words>[^"]+)")?$'
    )
)
def popup_no_card(crm_insight: CrmInsight, name: str, words: str | None) -> None:
    crm_insight.expect_no_card(name, words)


@then(
    parsers.re(
        r'the call toolbar of "(?P<name>[^"]+)" opens the insight card of "(?P<customer>[^"]+)"$'
    )
)
def toolbar_card(crm_insight: CrmInsight, name: str, customer: str) -> None:
    crm_insight.expect_toolbar_card(name, customer)


@when(parsers.re(r'the admin points the account\'s CRM at "(?P<url>[^"]+)"$'))
def crm_url(crm_insight: CrmInsight, url: str) -> None:
    crm_insight.try_crm_url(url)


@then(parsers.re(r'the CRM setting is refused saying "(?P<words>[^"]+)", nothing changed$'))
def crm_refused(crm_insight: CrmInsight, words: str) -> None:
    crm_insight.expect_refused(words)
