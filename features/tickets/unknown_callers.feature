Feature: An unknown caller's ticket is matched to an end user afterwards
  Source: seed 001 (French), "Comprendre comment les numéros de téléphone sont liés aux profils
  utilisateur": a call from an unknown caller (a digital line, a withheld number) gets an ID of
  its own, linked to its ticket; the ticket's and the recording's information is then used to
  match the ticket to an existing user or to create a new user. Calls are real SIP calls.

  Background:
    Given a number "Support" in the account
    And agent "Alice" with SIP phone
    And "Alice" is in the Ring to widget of "Support"

  @ZT-ID-10 @needs:tickets @needs:profiles @needs:ticket_requesters
  Scenario Outline: An unknown caller's ticket is matched to an existing end user (<line>)
    Given an end user "Chloé" with the French number "Chloé's mobile"
    When a caller from <line> calls "Support"
    And "Alice" answers the call
    And the caller from <line> hangs up
    Then the call from <line> makes the ticket "unknown"
    And the ticket of the last call from <line> has its unknown caller as requester
    When "Alice" sets the requester of the ticket "unknown" to "Chloé"
    Then the ticket "unknown" has "Chloé" as requester
    And the requester of the last call from "<line>" is "Chloé"
    And the account has 1 end user

    Examples:
      | line              |
      | a withheld number |
      | a digital line    |

  @ZT-ID-10 @needs:tickets @needs:profiles @needs:ticket_requesters
  Scenario: A new end user is made from an unknown caller's ticket
    When a caller from a withheld number calls "Support"
    And "Alice" answers the call
    And the caller from a withheld number hangs up
    Then the call from a withheld number makes the ticket "unknown"
    When "Alice" makes a new end user "Hugo" with the number "Hugo's mobile" the requester of the ticket "unknown"
    Then the ticket "unknown" has "Hugo" as requester
    And "Hugo" has exactly the direct line "Hugo's mobile" and no shared number
    And the requester of the last call from "a withheld number" is "Hugo"
    When "Hugo's mobile" calls "Support" and hangs up
    Then the requester of the last call from "Hugo's mobile" is "Hugo"
    And the account has 1 end user
