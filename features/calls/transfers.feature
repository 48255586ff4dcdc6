Feature: Blind transfers of answered calls
  Source: REQUIREMENTS.md AC-IN-7 (the in-call actions: mute, hold, transfer, keypad, hang up)
  and ZT-TKT-9 (a ticket's duration includes transfers). The agent on an answered call hands it
  to another agent: the caller stays on the line, the first agent's call ends, the other
  agent's phone rings and, once she answers, she and the caller hear each other. The call log's
  timeline says who transferred the call to whom. A transfer the contact center cannot make is
  refused naming the problem, and the call goes on as it was.

  Background:
    Given a number "Support" in the account
    And agents "Alice" and "Bruno" with SIP phones
    And "Alice" is in the Ring to widget of "Support"

  @AC-IN-7 @needs:transfers
  Scenario: The agent on the call transfers it to another agent, who then talks with the caller
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Alice" transfers the call to "Bruno"
    Then the customer no longer hears "Alice", whose call ends, within 1000 ms
    And the phone of "Bruno" rings
    When "Bruno" answers the call
    Then the customer and "Bruno" hear each other within 500 ms of the transfer's answer
    And the call log's timeline says "Alice" transferred the call to "Bruno"

  @AC-IN-7 @needs:transfers
  Scenario: A call that is not answered yet cannot be transferred
    When a customer calls "Support"
    Then the phone of "Alice" rings
    When "Alice" tries to transfer the call to "Bruno"
    Then the transfer is refused naming "only an answered call", and the call is unchanged

  @AC-IN-7 @needs:transfers
  Scenario Outline: A transfer to <whom> is refused and the call goes on
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Alice" tries to transfer the call to <target>
    Then the transfer is refused naming "<problem>", and the call is unchanged

    Examples:
      | whom           | target                                | problem    |
      | oneself        | "Alice"                               | oneself    |
      | an unknown user | an agent the account does not have   | not found  |
