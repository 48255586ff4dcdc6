"""Steps for the security audit: an attacker scans, guesses passwords and sends malformed SIP.

Thin by design: each step parses its arguments and calls one helper of
:class:`harness.audit.attacker.Attacker`, which owns the tools, the waiting and the verdicts.
"""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from harness.audit.attacker import Attacker
from harness.audit.rfc4475 import RFC4475_INVALID
from harness.scenario import attacks

FUZZ_SEED = 4475  # fixed, so a failure can be replayed


# -- H-SEC-1: enumeration ----------------------------------------------------------------------
@when(
    parsers.parse(
        "an attacker scans with svwar using {method}, over the agents' usernames hidden among "
        "common names and the extensions {first:d} to {last:d}"
    )
)
def scan_with_svwar(attacker: Attacker, method: str, first: int, last: int) -> None:
    attacker.run_svwar(method, attacker.candidates(first, last))


@then("svwar tried every name and found no extension")
def svwar_found_nothing(attacker: Attacker) -> None:
    attacks.expect_no_extension_found(attacker)


@then(
    parsers.parse(
        "an existing user and an unknown user get the same answers to {method}: "
        "same status, same headers, same timing class"
    )
)
def answers_alike(attacker: Attacker, method: str) -> None:
    attacks.expect_alike_for_an_agent(attacker, method)


# -- H-SEC-2: password guessing ----------------------------------------------------------------
@when(
    parsers.parse(
        'an attacker runs svcrack against the username of "{agent}" with {count:d} wrong passwords'
    )
)
def run_svcrack(attacker: Attacker, agent: str, count: int) -> None:
    attacker.run_svcrack(agent, count)


@when(parsers.parse('an attacker tries {count:d} wrong passwords for "{agent}" from one address'))
def guess_passwords(attacker: Attacker, count: int, agent: str) -> None:
    attacker.guess(agent, count)


@then("svcrack finds no password")
def svcrack_found_nothing(attacker: Attacker) -> None:
    attacker.expect_nothing_cracked()


@then(
    parsers.parse(
        '"{agent}" cannot register from the attacker\'s address, even with her right password'
    )
)
def locked_out(attacker: Attacker, agent: str) -> None:
    attacker.expect_refused(agent)


@then(parsers.parse('"{agent}" can still register from another address meanwhile'))
def other_source_not_locked(attacker: Attacker, agent: str) -> None:
    attacker.expect_accepted(agent, from_attacker=False, meanwhile=agent)


@then(parsers.parse('"{agent}" can still register from the attacker\'s address meanwhile'))
def other_user_not_locked(attacker: Attacker, agent: str) -> None:
    attacker.expect_accepted(agent, from_attacker=True, meanwhile=attacker.guessed_for)


@then(
    parsers.parse(
        'the lockout of "{agent}" at the attacker\'s address ends within {seconds:d} seconds'
    )
)
def lockout_ends(attacker: Attacker, agent: str, seconds: int) -> None:
    attacker.wait_lockout_end(agent, float(seconds))


@then(parsers.parse('"{agent}" can register from the attacker\'s address again'))
def registers_again(attacker: Attacker, agent: str) -> None:
    attacker.expect_accepted(agent, from_attacker=True, meanwhile=None)


# -- H-SEC-3: malformed messages ---------------------------------------------------------------
@when("an attacker sends these malformed messages to the SIP port:")
def send_malformed(attacker: Attacker, datatable: list[list[str]]) -> None:
    _, *rows = datatable
    attacker.send_malformed([row[0].strip() for row in rows])


@when("an attacker sends every invalid message of RFC 4475 to the SIP port")
def send_rfc4475(attacker: Attacker) -> None:
    attacker.send_malformed([case.name for case in RFC4475_INVALID])


@then("each malformed message got a 400 Bad Request or no answer at all")
def malformed_refused(attacker: Attacker) -> None:
    attacker.expect_malformed_refused()


@then(parsers.parse("after {count:d} randomly mutated requests the SIP service still answers"))
def fuzzed(attacker: Attacker, count: int) -> None:
    attacker.fuzz(count, FUZZ_SEED)
