Feature: Transfer and Keypad in the agent app
  Source: REQUIREMENTS.md AC-IN-7 (after accepting, the in-call actions: mute, hold, transfer,
  keypad, hang up) and CC-AH-3 (which queues agents see as transfer targets). The in-call view
  offers Transfer, listing the agents and the queues the account offers as transfer targets
  now, and Keypad, whose keys the customer hears in the call.

  Background:
    Given a number "Support" in the account
    And an agent "Alice" with a browser
    And "Alice" is in the Ring to widget of "Support"

  @AC-IN-7 @needs:desktop @needs:transfers
  Scenario Outline: The agent transfers the call in the app to an agent with <device>, and the customer then talks with her
    Given an agent "Dora" with <device>
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    And the Transfer list of "Alice" offers the agent "Dora"
    When "Alice" transfers the call to "Dora" in the agent app
    Then the phone of "Dora" rings
    When "Dora" answers the call
    Then the customer and "Dora" hear each other within 500 ms of the transfer's answer
    And the call log's timeline says "Alice" transferred the call to "Dora"

    Examples:
      | device      |
      | a SIP phone |
      | a browser   |

  @AC-IN-7 @needs:desktop @needs:transfers
  Scenario: The keys the agent presses on the app's keypad reach the customer
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Alice" presses "19#" on the keypad of the agent app
    Then the customer's phone detects the keys "19#" pressed by "Alice"

  @AC-IN-7 @CC-AH-3 @needs:desktop @needs:transfers @needs:routing @needs:clock
  Scenario Outline: After hours, the app's Transfer list shows the queues the account allows (<allowed>)
    Given an agent "Chloé" in the account
    And the leaf queues of the account, in "Europe/Paris", are:
      | queue      | hours               | deflection | virtual agent | agents |
      | Open late  | mon-sun 08:00-23:00 | on         | none          |        |
      | Deflecting | mon-fri 09:00-17:00 | on         | none          |        |
      | Bot hours  | mon-fri 09:00-17:00 | on         | queue hours   |        |
    And the account's clock reads "2026-03-02T20:00:00+01:00"
    And after-hours deflection of calls is on, to a message only, with transfers to after-hours queues <allowed>
    When a customer calls "Support"
    And "Alice" answers the call
    Then the Transfer list of "Alice" offers the queue "Open late"
    And the Transfer list of "Alice" <verb> the queue "Deflecting"
    And the Transfer list of "Alice" does not offer the queue "Bot hours"

    Examples:
      | allowed     | verb           |
      | allowed     | offers         |
      | not allowed | does not offer |

  @AC-IN-7 @reference-choice @needs:desktop @needs:transfers
  Scenario: A transfer its target turns down ends the call, and the log says why
    Given an agent "Dora" with a browser
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Alice" transfers the call to "Dora" in the agent app
    And "Dora" rejects the call in the agent app
    Then the customer's call ends, logged with the reason "transfer not answered"
