Feature: A ticket shows the number that created it, and a call about an existing issue is merged into its ticket
  Source: seed 001 (French), "Fusion de tickets quand un appel porte sur un ticket existant": a
  caller may call about an issue that already has a ticket; the call is handled as usual, then
  its new ticket is merged into the existing one. The number at the top of a ticket is the
  number that caused its creation; after merging two tickets that both have a voice comment,
  the top shows the number that created the merged ticket. Calls are real SIP calls from
  numbers of the run's seeded callers.

  Background:
    Given a number "Support" in the account
    And agent "Alice" with SIP phone
    And "Alice" is in the Ring to widget of "Support"
    And an end user "Chloé" with the numbers "Chloé's mobile" and "Chloé's office"

  @ZT-MRG-3 @needs:tickets @needs:profiles
  Scenario: The top of each ticket shows the number whose call created it, not the requester's
    When "Chloé's office" calls "Support"
    And "Alice" answers the call
    And the caller from "Chloé's office" hangs up
    Then the call from "Chloé's office" makes the ticket "office"
    When "Chloé's mobile" calls "Support"
    And "Alice" answers the call
    And the caller from "Chloé's mobile" hangs up
    Then the call from "Chloé's mobile" makes the ticket "mobile"
    And the top of the ticket "office" shows "Chloé's office"
    And the top of the ticket "mobile" shows "Chloé's mobile"
    And the ticket "office" has "Chloé" as requester
    And the ticket "mobile" has "Chloé" as requester

  @ZT-MRG-4 @ZT-MRG-6 @needs:tickets @needs:profiles @needs:ticket_merges
  Scenario: A call about an existing issue is merged into its ticket, whose top then shows the merged ticket's number
    When "Chloé's mobile" calls "Support"
    And "Alice" answers the call
    And the caller from "Chloé's mobile" hangs up
    Then the call from "Chloé's mobile" makes the ticket "existing issue"
    When "Alice" comments "The parcel never arrived" on the ticket "existing issue"
    And "Chloé's office" calls "Support"
    And "Alice" answers the call
    And the caller from "Chloé's office" hangs up
    Then the call from "Chloé's office" makes the ticket "new call"
    When "Alice" comments "Still no parcel" on the ticket "new call"
    And "Alice" merges the ticket "new call" into the ticket "existing issue"
    Then the ticket "existing issue" holds the calls from "Chloé's mobile" and "Chloé's office"
    And the ticket "existing issue" holds the comment "The parcel never arrived"
    And the ticket "existing issue" holds the comment "Still no parcel"
    And the top of the ticket "existing issue" shows "Chloé's office"
    And the ticket "new call" is closed and merged into the ticket "existing issue"
    And the ticket "existing issue" has "Chloé" as requester

  @ZT-MRG-6 @needs:tickets @needs:profiles @needs:ticket_merges
  Scenario Outline: A merge that cannot be is refused naming the problem, and no ticket changes (<case>)
    When "Chloé's mobile" calls "Support"
    And "Alice" answers the call
    And the caller from "Chloé's mobile" hangs up
    Then the call from "Chloé's mobile" makes the ticket "first"
    When "Chloé's office" calls "Support"
    And "Alice" answers the call
    And the caller from "Chloé's office" hangs up
    Then the call from "Chloé's office" makes the ticket "second"
    When <before>
    And "Alice" tries to merge the ticket "<source>" into the ticket "<target>"
    Then the merge is refused with an error saying "<words>" and no ticket changed

    Examples:
      | case                     | before                                                  | source | target | words                        |
      | into itself              | "Alice" comments "Same issue" on the ticket "first"      | first  | first  | cannot be merged into itself |
      | into an unknown ticket   | "Alice" comments "Same issue" on the ticket "first"      | first  | 999999 | ticket '999999' not found    |
      | twice                    | "Alice" merges the ticket "second" into the ticket "first" | second | first  | already merged into ticket   |
      | into a merged ticket     | "Alice" merges the ticket "second" into the ticket "first" | first  | second | no longer exists             |
