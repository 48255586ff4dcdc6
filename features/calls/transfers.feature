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
    And an agent "Chloé" in the account
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
      | an agent nobody can ring | "Chloé"                      | no phone or agent app signed in |

  @AC-IN-7 @CC-AH-3 @needs:transfers @needs:routing @needs:clock
  Scenario: A transfer to a queue rings its agents, and the one who answers talks with the caller
    Given the leaf queues of the account, in "Europe/Paris", are:
      | queue  | hours               | deflection | virtual agent | agents |
      | Sales  | mon-fri 09:00-17:00 | on         | none          | Bruno  |
    And the account's clock reads "2026-03-02T10:00:00+01:00"
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Alice" transfers the call to the queue "Sales"
    Then the phone of "Bruno" rings
    When "Bruno" answers the call
    Then the customer and "Bruno" hear each other within 500 ms of the transfer's answer
    And the call log's timeline says "Alice" transferred the call to the queue "Sales", answered by "Bruno"

  @AC-IN-7 @CC-AH-3 @needs:transfers @needs:routing @needs:clock
  Scenario: A transfer to a queue the account does not offer after hours is refused
    Given the leaf queues of the account, in "Europe/Paris", are:
      | queue  | hours               | deflection | virtual agent | agents |
      | Sales  | mon-fri 09:00-17:00 | on         | none          | Bruno  |
    And the account's clock reads "2026-03-02T20:00:00+01:00"
    And after-hours deflection of calls is on, to a message only, with transfers to after-hours queues not allowed
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Alice" tries to transfer the call to the queue "Sales"
    Then the transfer is refused naming "not a transfer target now", and the call is unchanged
