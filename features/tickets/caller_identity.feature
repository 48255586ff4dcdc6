Feature: Each call is linked to the end user whose number it comes from
  Source: seed 001 (French), "Comprendre comment les numéros de téléphone sont liés aux profils
  utilisateur": direct lines, shared numbers, unknown callers, and the E.164 validation of
  numbers added to a profile. Calls are real SIP calls into the contact center, from numbers of
  the run's seeded callers; who a call is from is read as the contact center links it, and the
  ticket made from an answered call has the same requester.

  Background:
    Given a number "Support" in the account
    And agent "Alice" with SIP phone
    And "Alice" is in the Ring to widget of "Support"

  @ZT-ID-1 @needs:profiles @needs:tickets
  Scenario: An end user calling from a number on her profile is the requester of her call and its ticket
    Given an end user "Chloé" with the French number "Chloé's mobile"
    When "Chloé's mobile" calls "Support"
    And "Alice" answers the call
    And the caller from "Chloé's mobile" hangs up
    Then the requester of the call is "Chloé"
    And the ticket of the call has "Chloé" as requester
    And the account has 1 end user

  @ZT-ID-2 @needs:profiles
  Scenario: A number on no profile creates a new end user whose name is the number
    Given "Mateo's phone" is a Spanish number on no profile
    When "Mateo's phone" calls "Support" and hangs up
    Then the requester of the call from "Mateo's phone" is a new end user "Mateo" named with the number
    When "Mateo's phone" calls "Support" and hangs up
    Then the requester of the last call from "Mateo's phone" is "Mateo"
    And the account has 1 end user

  @ZT-ID-3 @needs:profiles @needs:tickets
  Scenario Outline: A caller without a number gets an ID of its own on every call, which her ticket has
    When a caller from <line> calls "Support" and hangs up
    And a caller from <line> calls "Support"
    And "Alice" answers the call
    And the caller from <line> hangs up
    Then each call from <line> has an unknown caller of its own as requester
    And the ticket of the last call from <line> has its unknown caller as requester
    And the account has 0 end users

    Examples:
      | line              |
      | a withheld number |
      | a digital line    |

  @ZT-ID-4 @needs:profiles
  Scenario: A single number added to a profile is a direct line, and a user has several
    Given an end user "Chloé"
    When the French number "Chloé's mobile" is added to "Chloé"
    And the Vietnamese number "Chloé's office" is added to "Chloé"
    Then "Chloé" has exactly the direct lines "Chloé's mobile" and "Chloé's office" and no shared number
    When "Chloé's office" calls "Support" and hangs up
    Then the requester of the call is "Chloé"

  @ZT-ID-5 @ZT-ID-6 @needs:profiles @needs:tickets
  Scenario: Another user's direct line becomes a shared number, and its calls and tickets are the owner's
    Given an end user "Chloé" with the French number "home"
    And an end user "Hugo"
    When the number "home" is added to "Hugo"
    Then "Hugo" has no direct line and the shared number "home"
    And "Chloé" has exactly the direct line "home" and no shared number
    When "home" calls "Support"
    And "Alice" answers the call
    And the caller from "home" hangs up
    Then the requester of the call is "Chloé"
    And the ticket of the call has "Chloé" as requester

  @ZT-ID-7 @needs:profiles
  Scenario: When nobody has the number as a direct line any more, its next call makes a new user
    Given an end user "Chloé" with the Spanish number "home"
    And an end user "Hugo"
    And the number "home" is added to "Hugo"
    When the number "home" is removed from "Chloé"
    And "home" calls "Support" and hangs up
    Then the requester of the call from "home" is a new end user "Caller" named with the number
    And "Hugo" is no longer linked to "home"
    And "Chloé" has no number
    And the account has 3 end users

  @ZT-ID-8 @needs:profiles
  Scenario: A profile holds at most one shared number
    Given an end user "Chloé" with the French number "Chloé's home"
    And an end user "Léa" with the American number "Léa's home"
    And an end user "Hugo"
    And the number "Chloé's home" is added to "Hugo"
    When someone tries to add the number "Léa's home" to "Hugo"
    Then it is refused with an error saying "at most one shared number" and nothing stored changes
    And "Hugo" has no direct line and the shared number "Chloé's home"

  @ZT-ID-9 @needs:profiles
  Scenario Outline: With phone validation on, a number that is not E.164 is refused
    Given phone validation is on
    And an end user "Chloé"
    When someone tries to add the number "<typed>" to "Chloé"
    Then it is refused with an error saying "not an E.164 number" and nothing stored changes
    When the French number "Chloé's mobile" is added to "Chloé"
    Then "Chloé" has exactly the direct line "Chloé's mobile" and no shared number

    Examples:
      | typed             |
      | 06 12 34 56 78    |
      | +33 6 12 34 56 78 |
      | 0033612345678     |
      | +3361234          |

  @ZT-ID-9 @needs:profiles
  Scenario: With phone validation off, a number is kept as it was typed
    Given phone validation is off
    And an end user "Chloé"
    When the number "06 12 34 56 78" is added to "Chloé"
    Then "Chloé" has exactly the direct line "06 12 34 56 78" and no shared number
