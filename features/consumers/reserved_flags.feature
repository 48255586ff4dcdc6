Feature: Reserved data properties flag a consumer as a verified customer, a bad actor or a repeat customer
  Source: seed 004_74c1cbcc28441707 (French), "Envoyer des propriétés de données réservées":
  reserved_verified_customer, reserved_bad_actor and reserved_repeat_customer, sent when a chat
  or call session starts or later, through the SDKs or the Apps API, and read back. Consumers are
  the harness's own SDK parties; the Apps API is the integration's (the account's key).
  The virtual agent is modelled minimally by the reference: a queue setting naming the session
  metadata key it passes "verified customer" from (the seed says only that it can pass it).

  Background:
    Given a consumer queue "Support" answered by "Alice"

  @CC-RSV-1 @CC-RSV-2 @needs:consumer @needs:consumer_identity @needs:routing
  Scenario: Flags sent when the session starts are read back through the Apps API
    When "Zoé" opens the mobile app of "Support" with the reserved data "reserved_verified_customer: true, reserved_repeat_customer: true"
    Then the Apps API gives the session of "Zoé" the profile flags "Verified customer, Repeat customer"

  @CC-RSV-1 @CC-RSV-2 @needs:consumer @needs:consumer_identity @needs:routing
  Scenario: Flags sent after the session started, through the SDK and through the Apps API, add to the earlier ones
    When "Zoé" opens the web SDK of "Support" with the reserved data "reserved_verified_customer: true"
    Then the Apps API gives the session of "Zoé" the profile flags "Verified customer"
    When the app of "Zoé" sends the reserved data "reserved_bad_actor: true"
    And the Apps API sends the reserved data "reserved_verified_customer: false" for the session of "Zoé"
    Then the Apps API gives the session of "Zoé" the profile flags "Unverified customer, Bad actor"

  @CC-RSV-4 @needs:consumer @needs:consumer_identity @needs:routing
  Scenario Outline: A virtual agent passes "verified customer" from the session metadata
    Given the virtual agent of "Support" passes "verified customer" from the session metadata "crm_verified"
    When "Zoé" opens the mobile app of "Support" with the session metadata "crm_verified" set to "<value>" and starts a chat
    Then the Apps API gives the session of "Zoé" the profile flags "<flags>"

    Examples:
      | value | flags               |
      | true  | Verified customer   |
      | false | Unverified customer |

  @CC-RSV-2 @needs:consumer @needs:consumer_identity @needs:routing
  Scenario Outline: Bad reserved data are refused, naming the problem, and the flags stay as they were
    Given "Zoé" opened the mobile app of "Support" with the reserved data "reserved_repeat_customer: true"
    When <sender> tries to send the reserved data "<data>" for <session> "Zoé"
    Then it is refused, naming "<words>"
    And the reserved data of "Zoé" are as they were

    Examples:
      | sender       | data                        | session                                | words                 |
      | the app      | reserved_vip_customer: true | the session of                         | reserved_vip_customer |
      | the Apps API | reserved_bad_actor: yes     | the session of                         | reserved_bad_actor    |
      | the Apps API | reserved_bad_actor: true    | the ended session instead of that of   | has ended             |
      | the Apps API | reserved_bad_actor: true    | the unknown session instead of that of | not found             |
