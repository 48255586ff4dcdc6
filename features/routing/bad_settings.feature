Feature: Bad routing settings are refused naming the problem, and nothing stored changes
  Source: seed 004_74c1cbcc28441707 (French), after-hours deflection: the options an admin sets
  (a queue, a phone number, an override per leaf queue, the messages) must make sense; a change
  that does not is refused with a clear error and the settings stay as they were (checked by
  reading every routing setting before and after).

  Background:
    Given an agent "Alice" in the account
    And a number "Help line" in the account
    And the IVR of "Help line" is:
      | queue   | parent | digit | agents |
      | Main    |        |       |        |
      | Billing | Main   | 1     | Alice  |
    And after-hours deflection of calls is on, to a message only

  @CC-AH-17 @CC-AH-9 @needs:routing
  Scenario Outline: A deflection of calls that cannot work is refused
    When the admin tries to send after-hours calls to <option>
    Then the change is refused saying "<words>"

    Examples:
      | option                       | words                              |
      | the number "0612345678"      | '0612345678' is not an E.164 number |
      | the number "+33 6 12 34 56"  | is not an E.164 number             |
      | the queue "Main"             | must be a leaf queue               |

  @CC-AH-14 @needs:routing
  Scenario Outline: A per-queue override that cannot exist is refused
    When the admin tries to make the queue "<queue>" override after-hours calls with <option>
    Then the change is refused saying "<words>"

    Examples:
      | queue   | option                    | words                              |
      | Main    | a message only            | overrides are set on leaf queues   |
      | Billing | the number "12345"        | is not an E.164 number             |

  @CC-AH-10 @CC-AH-19 @needs:routing
  Scenario: A blank message is refused and the previous one is kept
    When the admin tries to set the after-hours message to "   "
    Then the change is refused saying "after_hours: must not be blank"

  @CC-AH-17 @needs:routing
  Scenario: A carrier outside this machine is refused
    When the admin tries to reach outside numbers through a carrier at "192.0.2.10:5060"
    Then the change is refused saying "is not a loopback address"

  @CC-AH-1 @needs:routing
  Scenario: Two entries of one menu on the same key are refused
    When the admin tries to add a queue "Refunds" keyed "1" in the menu of "Main"
    Then the change is refused saying "digit: 1 already leads to queue"
