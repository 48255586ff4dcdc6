Feature: Merging end users keeps every number of the merged user
  Source: seed 001 (French), "Fusion d'utilisateurs": calls from unknown numbers create new end
  users, which can be merged into the caller's existing account; a merge adds every number of
  the merged user to the target and removes only the merged user's shared number when both have
  one. Calls are real SIP calls; who a call is from is read as the contact center links it.

  Background:
    Given a number "Support" in the account
    And agent "Alice" with SIP phone
    And "Alice" is in the Ring to widget of "Support"

  @ZT-MRG-1 @needs:profiles
  Scenario: Merging a user adds all of her numbers to the target
    Given an end user "Chloé" with the French number "Chloé's mobile"
    And the Spanish number "Chloé's office" is added to "Chloé"
    And an end user "Chloé Martin" with the French number "Martin's home"
    When "Chloé" is merged into "Chloé Martin"
    Then "Chloé Martin" has exactly the direct lines "Martin's home", "Chloé's mobile" and "Chloé's office" and no shared number
    And the account has 1 end user
    When "Chloé's office" calls "Support" and hangs up
    Then the requester of the call is "Chloé Martin"

  @ZT-MRG-2 @needs:profiles
  Scenario: When both users have a shared number, only the merged user's shared number is removed
    Given an end user "Léa" with the French number "Léa's home"
    And an end user "Hugo" with the Vietnamese number "Hugo's home"
    And an end user "Chloé" with the French number "Chloé's mobile"
    And the number "Léa's home" is added to "Chloé"
    And an end user "Chloé Martin" with the Spanish number "Martin's office"
    And the number "Hugo's home" is added to "Chloé Martin"
    When "Chloé" is merged into "Chloé Martin"
    Then "Chloé Martin" has exactly the direct lines "Martin's office" and "Chloé's mobile" and the shared number "Hugo's home"
    And "Léa" has exactly the direct line "Léa's home" and no shared number

  @ZT-MRG-2 @needs:profiles
  Scenario: The merged user's shared number is kept when the target has none
    Given an end user "Léa" with the French number "Léa's home"
    And an end user "Chloé" with the French number "Chloé's mobile"
    And the number "Léa's home" is added to "Chloé"
    And an end user "Chloé Martin" with the Spanish number "Martin's office"
    When "Chloé" is merged into "Chloé Martin"
    Then "Chloé Martin" has exactly the direct lines "Martin's office" and "Chloé's mobile" and the shared number "Léa's home"

  @ZT-MRG-5 @needs:profiles @needs:tickets
  Scenario: A user created from an unrecognised number is merged into the caller's existing user
    Given an end user "Chloé" with the French number "Chloé's mobile"
    When "Chloé's new phone" calls "Support"
    And "Alice" answers the call
    And the caller from "Chloé's new phone" hangs up
    Then the requester of the call from "Chloé's new phone" is a new end user "New caller" named with the number
    When "New caller" is merged into "Chloé"
    Then "Chloé" has exactly the direct lines "Chloé's mobile" and "Chloé's new phone" and no shared number
    And the requester of the call is "Chloé"
    And the ticket of the call has "Chloé" as requester
    When "Chloé's new phone" calls "Support" and hangs up
    Then the requester of the last call from "Chloé's new phone" is "Chloé"
    And the account has 1 end user

  @ZT-MRG-1 @needs:profiles
  Scenario: A user cannot be merged into herself
    Given an end user "Chloé" with the French number "Chloé's mobile"
    When someone tries to merge "Chloé" into "Chloé"
    Then it is refused with an error saying "cannot be merged into itself" and nothing stored changes
