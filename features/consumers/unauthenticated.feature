Feature: Consumers who have not logged in are tracked with a temporary unique ID, and their tickets can follow them once they log in
  Source: seed 004_74c1cbcc28441707 (French), "Gérer les consommateurs non authentifiés" and
  "Mobile : consommateurs non authentifiés". A consumer is the harness's own SDK party (web or
  mobile); the CRM the contact center writes its contacts and tickets into is the harness's,
  read back as a person looking at the CRM would. The account's clock is set; the contact's
  name reads it in the zone of the help center's business hours (Paris: UTC+02:00 on
  2026-10-05), a reference choice where the seed does not say which zone.

  Background:
    Given the business hours of the help center are "mon-sun 00:00-24:00" in "Europe/Paris"
    And a consumer queue "Support" answered by "Alice"
    And the account writes its consumers' contacts and tickets into the harness's CRM
    And the account's clock reads "2026-10-05T10:15:00+02:00"

  @CC-UNA-1 @needs:consumer @needs:consumer_identity @needs:conversations @needs:routing @needs:clock
  Scenario: A web visitor who has not logged in gets a temporary unique ID, and her chat a "Web User" contact and a ticket
    When "Zoé" starts a chat on the web SDK of "Support" without logging in
    Then "Zoé" has a temporary unique ID given by the contact center
    And the CRM has a contact "Web User - 10/05 10:15" with the unique ID of "Zoé"
    And the contact of "Zoé" has 1 ticket

  @CC-UNA-1 @needs:consumer @needs:consumer_identity @needs:conversations @needs:routing @needs:clock
  Scenario: The web SDK page keeps the visitor's unique ID in her browser: on her next visit her chat goes to the same contact
    When a visitor starts a chat on the web SDK page of "Support" in her browser
    And the visitor comes back to the web SDK page of "Support" in the same browser and starts a chat
    Then the CRM's only contact is "Web User - 10/05 10:15", with 2 tickets

  @CC-UNA-1 @needs:consumer @needs:consumer_identity @needs:conversations @needs:routing @needs:clock
  Scenario: Two visitors get two unique IDs; a visitor who comes back with hers keeps her contact
    When "Zoé" starts a chat on the web SDK of "Support" without logging in
    And "Hugo" starts a chat on the web SDK of "Support" without logging in
    And "Zoé" comes back to the web SDK of "Support" with her unique ID and starts a chat
    Then "Zoé" and "Hugo" have different unique IDs
    And "Zoé" kept her unique ID
    And the CRM has 2 contacts
    And the contact of "Zoé" has 2 tickets

  @CC-UNA-2 @needs:consumer @needs:consumer_identity @needs:conversations @needs:routing @needs:clock
  Scenario: A mobile consumer who has not logged in gets a "Mobile User" contact carrying the mobile SDK ID
    When "Zoé" starts a chat on the mobile app of "Support" without logging in, from the installation "a1b2c3d4-android"
    Then the CRM has a contact "Mobile User - 10/05 10:15" with the unique ID of "Zoé"
    And the contact of "Zoé" carries the mobile SDK ID "a1b2c3d4-android"
    And the contact of "Zoé" has 1 ticket

  @CC-UNA-3 @needs:consumer @needs:consumer_identity @needs:conversations @needs:routing @needs:clock
  Scenario Outline: On the <sdk>, once the consumer logs in, the tickets from before are merged into the ID she logged in with
    When "Zoé" starts a chat on the <sdk> of "Support" without logging in
    And "Zoé" starts another chat in the same session
    And "Zoé" logs in as "customer-4711"
    Then the tickets from before the login belong to the contact of "customer-4711" in the CRM

    Examples:
      | sdk        |
      | web SDK    |
      | mobile app |

  @CC-UNA-4 @needs:consumer @needs:consumer_identity @needs:conversations @needs:routing @needs:clock
  Scenario: Reinstalling the Android app gives a new unique ID, so a new contact is created
    When "Zoé" starts a chat on the mobile app of "Support" without logging in, from the installation "a1b2c3d4-android"
    And "Zoé" starts a chat on the mobile app of "Support" without logging in, from the installation "a1b2c3d4-android"
    Then "Zoé" kept her unique ID
    And the CRM has 1 contact
    When "Zoé" starts a chat on the mobile app of "Support" without logging in, from the installation "e5f6a7b8-android"
    Then "Zoé" has a new unique ID
    And the CRM has 2 contacts
    And the contact of "Zoé" carries the mobile SDK ID "e5f6a7b8-android"

  @CC-UNA-1 @CC-UNA-2 @needs:consumer @needs:consumer_identity @needs:conversations @needs:routing @needs:clock
  Scenario Outline: A session the contact center cannot identify is refused, naming what is wrong, and nothing is written
    When a consumer tries to open the <sdk> of "Support" with <what>
    Then it is refused, naming "<field>"
    And the CRM has 0 contacts

    Examples:
      | sdk        | what                                   | field           |
      | web SDK    | the visitor ID "visitor-never-issued"  | visitor_id      |
      | mobile app | a blank installation ID                | installation_id |
