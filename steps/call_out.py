"""Steps for outbound call errors and their fixes (seed 002, SG-ERR).

Thin by design: each step parses its arguments and calls one helper of
:mod:`harness.scenario.call_out`.
"""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from harness.scenario.call_out import CallOutDesk


# -- configuration --------------------------------------------------------------------------------
@given(parsers.parse('the hotline "{line}" does not allow calling out'))
def hotline_closed(call_out_desk: CallOutDesk, line: str) -> None:
    call_out_desk.configure(line, allow_call_out=False)


@given(parsers.parse('the hotline "{line}" lets only the group "{team}" call out'))
def hotline_only_group(call_out_desk: CallOutDesk, line: str, team: str) -> None:
    call_out_desk.configure(line, all_groups=False, groups=[team])


@given(parsers.parse('the hotline "{line}" was deleted on the portal'))
def hotline_deleted(call_out_desk: CallOutDesk, line: str) -> None:
    call_out_desk.delete_hotline(line)


@given("the customer's number is on the blacklist")
def customer_blocked(call_out_desk: CallOutDesk) -> None:
    call_out_desk.block_customer(True)


@given(parsers.parse("calls left stuck end after {seconds:g} seconds"))
def stuck_timeout(call_out_desk: CallOutDesk, seconds: float) -> None:
    call_out_desk.stuck_calls_end_after(seconds)


@given("the account's answer URL is a server the harness runs")
def answer_url_runs(call_out_desk: CallOutDesk) -> None:
    call_out_desk.run_answer_url()


@given(parsers.parse("the answer URL fails: {mode}"))
def answer_url_fails(call_out_desk: CallOutDesk, mode: str) -> None:
    call_out_desk.answer_url_fault(mode)


@given(parsers.parse('"{agent}" is in a call with the customer from "{line}"'))
def agent_in_call(call_out_desk: CallOutDesk, agent: str, line: str) -> None:
    call_out_desk.in_call(agent, line)


@given(parsers.parse('an agent "{agent}" without a registered phone'))
def agent_without_phone(call_out_desk: CallOutDesk, agent: str) -> None:
    call_out_desk.cast.add_agent(agent)


# -- actions --------------------------------------------------------------------------------------
@when(parsers.re(r'"(?P<agent>[^"]+)" calls the customer out from "(?P<line>[^"]+)"( again)?$'))
def calls_out(call_out_desk: CallOutDesk, agent: str, line: str) -> None:
    call_out_desk.place(agent, line)


@when(parsers.parse('"{agent}" calls the customer from "{line}" in {mode} mode'))
def calls_in_mode(call_out_desk: CallOutDesk, agent: str, line: str, mode: str) -> None:
    call_out_desk.place(agent, line, mode=mode.replace(" ", "_"))


@when(parsers.parse('a second person signed in as "{agent}" calls the customer out from "{line}"'))
def shared_account_calls(call_out_desk: CallOutDesk, agent: str, line: str) -> None:
    call_out_desk.shared_account_calls(agent, line)


@when(parsers.parse('the admin gives "{name}" an account of their own with a SIP phone'))
def own_account(call_out_desk: CallOutDesk, name: str) -> None:
    call_out_desk.give_own_account(name)


@when(parsers.parse('"{who}" allows calling out from "{line}"'))
def allows_call_out(call_out_desk: CallOutDesk, who: str, line: str) -> None:
    call_out_desk.configure(line, by=who, allow_call_out=True)


@when(parsers.parse('"{who}" lets all groups call out from "{line}"'))
def allows_all_groups(call_out_desk: CallOutDesk, who: str, line: str) -> None:
    call_out_desk.configure(line, by=who, all_groups=True)


@when(parsers.parse('"{who}" adds "{agent}" to the group "{team}"'))
def adds_to_group(call_out_desk: CallOutDesk, who: str, agent: str, team: str) -> None:
    call_out_desk.add_to_group(who, agent, team)


@when("the customer's number is taken off the blacklist")
def customer_unblocked(call_out_desk: CallOutDesk) -> None:
    call_out_desk.block_customer(False)


@when(parsers.parse('the page of "{agent}" is reloaded during the call'))
def page_reloaded(call_out_desk: CallOutDesk, agent: str) -> None:
    call_out_desk.reload_page(agent)


@when(parsers.parse('"{agent}" registers a SIP phone'))
def registers_phone(call_out_desk: CallOutDesk, agent: str) -> None:
    call_out_desk.register_phone(agent)


@when("the answer URL works again")
def answer_url_healed(call_out_desk: CallOutDesk) -> None:
    call_out_desk.answer_url_healed()


@when(parsers.parse("the customer's carrier refuses the call with {status:d}"))
def carrier_refuses(call_out_desk: CallOutDesk, status: int) -> None:
    call_out_desk.carrier_refuses(status)


# -- checks ---------------------------------------------------------------------------------------
@then(parsers.parse("the call fails with {code} and a Call ID that support can look up"))
def call_fails(call_out_desk: CallOutDesk, code: str) -> None:
    call_out_desk.expect_failed(code)


@then(parsers.parse('the call goes through: the customer answers and hears "{agent}"'))
def call_through(call_out_desk: CallOutDesk, agent: str) -> None:
    call_out_desk.expect_through(agent)


@then(parsers.parse('the change is refused and "{line}" still does not allow calling out'))
def change_refused(call_out_desk: CallOutDesk, line: str) -> None:
    call_out_desk.expect_configuration_refused(line, allow_call_out=False)


@then(parsers.parse('"{who}" cannot bring the hotline "{line}" back: it stays deleted'))
def deleted_stays(call_out_desk: CallOutDesk, who: str, line: str) -> None:
    call_out_desk.expect_deleted(line, by=who)


@then(parsers.parse('"{line}" allows calling out'))
def allows(call_out_desk: CallOutDesk, line: str) -> None:
    call_out_desk.expect_allows(line, True)


@then("the stuck call ends after the stuck-call timeout, within the tolerance")
def stuck_call_ends(call_out_desk: CallOutDesk) -> None:
    call_out_desk.expect_stuck_call_ends()


@then("the call shows ringing but the customer's phone never rings")
def ringing_nowhere(call_out_desk: CallOutDesk) -> None:
    call_out_desk.expect_ringing_nowhere()


@then(
    parsers.parse(
        "the call's capture, retrieved by its Call ID, holds the INVITE and the {status:d}"
    )
)
def capture_holds(call_out_desk: CallOutDesk, status: int) -> None:
    call_out_desk.expect_capture(status)
