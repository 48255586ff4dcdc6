Feature: An answered call really connects
  Source: seed 000_f09e4def4b68f75a.txt (help-center article, French), "Appels répondus mais
  bloqués". Agents sometimes answer an incoming call in the app but the call never fully
  connects: no audio, no connection, and the call is logged as Missed. The fix is to
  re-synchronise the user's assignment on the number or the team, then to verify with 2 to 3 test
  calls; if the fault persists, the Call IDs go to support.

  Background:
    Given a number "Support" in the account
    And agents "Alice" and "Bruno" with SIP phones

  @AC-ANS-1 @AC-ANS-2
  Scenario: An answered call has two-way audio at once and is logged as Answered
    Given "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    Then the phone of "Alice" rings
    When "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    And the customer and "Alice" keep hearing each other for 3 seconds
    When the customer hangs up
    Then the call is logged as Answered by "Alice"

  @AC-ANS-1 @AC-ANS-2 @needs:desktop
  Scenario Outline: An agent answering on a <device> has two-way audio at once and the call is logged as Answered
    Given an agent "Carla" with a <device>
    And "Carla" is in the Ring to widget of "Support"
    When a customer calls "Support"
    Then "Carla" is offered the call
    When "Carla" answers the call
    Then the customer and "Carla" hear each other within 500 ms of the answer
    And the customer and "Carla" keep hearing each other for 2 seconds
    When the customer hangs up
    Then the call is logged as Answered by "Carla"

    Examples:
      | device    |
      | SIP phone |
      | browser   |

  @AC-ANS-1
  Scenario Outline: Two-way audio comes back and stays after <holder> puts the call on hold and takes it back
    Given "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When <holder> puts the call on hold
    Then the customer and "Alice" no longer hear each other within 1000 ms
    When <holder> takes the call off hold
    Then the customer and "Alice" hear each other again within 500 ms
    And the customer and "Alice" keep hearing each other for 2 seconds
    When the customer hangs up
    Then the call is logged as Answered by "Alice"

    Examples:
      | holder       |
      | the customer |
      | "Alice"      |

  @AC-ANS-2
  Scenario: The call log names the agent who answered, not the first one the call was offered to
    Given a team "Front desk" with "Alice" and "Bruno"
    And the team "Front desk" is in the Ring to widget of "Support"
    When a customer calls "Support"
    Then the phones of "Alice" and "Bruno" ring
    When "Bruno" answers the call
    Then the customer and "Bruno" hear each other within 500 ms of the answer
    When the customer hangs up
    Then the call is logged as Answered by "Bruno"

  @AC-ANS-9
  Scenario: A user reached both directly and through a team is offered the call once
    Given a team "Front desk" with "Alice" and "Bruno"
    And the team "Front desk" is in the Ring to widget of "Support"
    And "Alice" is in the Ring to widget of "Support"
    When a customer calls "Support"
    Then the phone of "Alice" rings once
    And the phone of "Bruno" rings once
    When the customer hangs up

  @AC-ANS-6
  Scenario: A user removed from the Ring to widget is not rung until she is added back
    Given "Alice" is in the Ring to widget of "Support"
    And "Bruno" is in the Ring to widget of "Support"
    When the admin removes "Alice" from the Ring to widget of "Support"
    And a customer calls "Support"
    Then the phone of "Bruno" rings
    And the phone of "Alice" does not ring
    When the customer hangs up
    And the admin adds "Alice" back to the Ring to widget of "Support" at once
    And a customer calls "Support"
    Then the phones of "Alice" and "Bruno" ring
    When the customer hangs up

  @AC-ANS-7
  Scenario: A user removed from the team is not rung until she is added back to it
    Given a team "Front desk" with "Alice" and "Bruno"
    And the team "Front desk" is in the Ring to widget of "Support"
    When the admin removes "Alice" from the team "Front desk"
    And a customer calls "Support"
    Then the phone of "Bruno" rings
    And the phone of "Alice" does not ring
    When the customer hangs up
    And the admin adds "Alice" back to the team "Front desk" at once
    And a customer calls "Support"
    Then the phones of "Alice" and "Bruno" ring
    When the customer hangs up

  @AC-ANS-3 @needs:faults
  Scenario: A call answered by an out-of-sync user is recognised as a stuck answered call
    Given "Alice" is in the Ring to widget of "Support"
    And the assignment of "Alice" to "Support" is out of sync
    When a customer calls "Support"
    Then the phone of "Alice" rings
    When "Alice" answers the call
    Then the call is recognised as a stuck answered call
    And the customer hears silence
    And "Alice" hears nothing from the customer

  @AC-ANS-4 @needs:faults
  Scenario: Several agents try to answer a stuck call and none of their attempts registers
    Given a team "Front desk" with "Alice" and "Bruno"
    And the team "Front desk" is in the Ring to widget of "Support"
    And the assignment of "Alice" to the team "Front desk" is out of sync
    And the assignment of "Bruno" to the team "Front desk" is out of sync
    When a customer calls "Support"
    Then the phones of "Alice" and "Bruno" ring
    When "Alice" answers the call
    And "Bruno" answers the call
    Then the call is recognised as a stuck answered call
    And the diagnosis reports an answer attempt by "Alice" and by "Bruno", none of them registered
    And the call timeline says that "Alice" and "Bruno" did not answer

  @AC-ANS-5 @needs:faults
  Scenario: The timeline of a stuck call says the user did not answer, and the call ends as Missed
    Given "Alice" is in the Ring to widget of "Support"
    And the assignment of "Alice" to "Support" is out of sync
    When a customer calls "Support"
    And "Alice" answers the call
    Then the call timeline says that "Alice" did not answer
    When the customer hangs up
    Then the call is logged as Missed

  @AC-ANS-6 @AC-ANS-9 @needs:faults
  Scenario: Removing a directly assigned user from the Ring to widget and adding her back clears the fault
    Given "Alice" is in the Ring to widget of "Support"
    And the assignment of "Alice" to "Support" is out of sync
    And a call to "Support" answered by "Alice" is a stuck answered call
    When the admin removes "Alice" from the Ring to widget of "Support"
    And the admin adds "Alice" back to the Ring to widget of "Support" at once
    When 3 test calls to "Support" are answered by "Alice"
    Then each of them rang the phone of "Alice", had two-way audio within 500 ms of the answer and is logged as Answered

  @AC-ANS-7 @AC-ANS-9 @needs:faults
  Scenario: Removing a user from the team assigned to the number and adding her back clears the fault
    Given a team "Front desk" with "Alice"
    And the team "Front desk" is in the Ring to widget of "Support"
    And the assignment of "Alice" to the team "Front desk" is out of sync
    And a call to "Support" answered by "Alice" is a stuck answered call
    When the admin removes "Alice" from the team "Front desk"
    And the admin adds "Alice" back to the team "Front desk" at once
    When 2 test calls to "Support" are answered by "Alice"
    Then each of them rang the phone of "Alice", had two-way audio within 500 ms of the answer and is logged as Answered

  @AC-ANS-8
  Scenario: After re-adding a user, her Smartflows widget settings are unchanged
    Given the call distribution of "Support" is:
      | widget | ring time | strategy     | members        |
      | 1      | 15        | simultaneous | Bruno          |
      | 2      | 25        | simultaneous | Alice, Bruno   |
    When the admin removes "Alice" from Ring to widget 2 of "Support"
    And the admin adds "Alice" back to Ring to widget 2 of "Support" at once
    Then the call distribution of "Support" has not drifted
    And "Alice" is in Ring to widget 2 of "Support" with a ring time of 25 seconds

  @AC-ANS-9
  Scenario Outline: The verification procedure passes on a healthy assignment
    Given "Alice" is in the Ring to widget of "Support"
    When <count> test calls to "Support" are answered by "Alice"
    Then each of them rang the phone of "Alice", had two-way audio within 500 ms of the answer and is logged as Answered

    Examples:
      | count |
      | 2     |
      | 3     |

  @AC-ANS-9 @needs:desktop
  Scenario Outline: The verification procedure passes for an agent answering on a <device>
    Given an agent "Carla" with a <device>
    And "Carla" is in the Ring to widget of "Support"
    When 3 test calls to "Support" are answered by "Carla"
    Then each of them rang the phone of "Carla", had two-way audio within 500 ms of the answer and is logged as Answered

    Examples:
      | device    |
      | SIP phone |
      | browser   |

  @AC-ANS-10 @needs:faults
  Scenario: When the fault persists, the Call IDs of the failing calls are collected for support
    Given "Alice" is in the Ring to widget of "Support"
    And the assignment of "Alice" to "Support" is out of sync
    When 2 test calls to "Support" are answered by "Alice"
    Then each of them is recognised as a stuck answered call
    And the Call IDs of the 2 failing calls are collected for support
