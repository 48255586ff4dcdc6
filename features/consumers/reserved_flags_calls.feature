Feature: Reserved data in an inbound call's SIP headers show in the agent app as user profile flags, with what they mean
  Source: seed 004_74c1cbcc28441707 (French), "Envoyer des propriétés de données réservées à
  l'aide d'en-têtes SIP" and the meaning of each flag. The customer is the harness's SIP caller;
  the SIP headers are the ones the SUT's adapter names (the reference's are in the README). The
  agent takes the call in the agent app in Chromium; the Apps API is the integration's.

  Background:
    Given a number "Support" in the account
    And an agent "Alice" with a browser
    And "Alice" is in the Ring to widget of "Support"

  @CC-RSV-2 @CC-RSV-3 @needs:desktop @needs:consumer_identity
  Scenario: Flags in the SIP headers ring with the call, stay in the call's view, and are read and sent through the Apps API during the call
    When a customer calls "Support" with the reserved data "reserved_verified_customer: true, reserved_bad_actor: true" in SIP headers
    Then the pop-up of "Alice" shows the user profile flags "Verified customer, Bad actor"
    When "Alice" answers the call
    Then the call view of "Alice" shows the user profile flags "Verified customer, Bad actor"
    And the Apps API gives the call the profile flags "Verified customer, Bad actor" during the call
    When the Apps API sends the reserved data "reserved_repeat_customer: true" for the call
    Then the Apps API gives the call the profile flags "Verified customer, Bad actor, Repeat customer" during the call
    And the call view of "Alice" shows the user profile flags "Verified customer, Bad actor, Repeat customer"
    When the customer hangs up

  @CC-RSV-3 @CC-RSV-5 @needs:desktop @needs:consumer_identity
  Scenario Outline: The pop-up shows each flag with what it means
    When a customer calls "Support" with the reserved data "<sent>" in SIP headers
    Then the pop-up of "Alice" shows the flag "<label>", meaning "<meaning>"
    When the customer hangs up

    Examples:
      | sent                              | label               | meaning                            |
      | reserved_verified_customer: true  | Verified customer   | legitimate customer                |
      | reserved_verified_customer: false | Unverified customer | not, legitimate customer           |
      | reserved_bad_actor: true          | Bad actor           | potentially malicious, fraud, spam |
      | reserved_repeat_customer: true    | Repeat customer     | contacted the center before        |

  @CC-RSV-3 @needs:desktop @needs:consumer_identity
  Scenario: A call without reserved data shows no user profile flag
    When a customer calls "Support"
    Then the pop-up of "Alice" shows the user profile flags "none"
    When the customer hangs up

  @CC-RSV-2 @needs:desktop @needs:consumer_identity
  Scenario: A call whose reserved header is neither true nor false is refused, naming the header, and rings nobody
    When a customer calls "Support" with the reserved data "reserved_bad_actor: maybe" in SIP headers
    Then the call is refused, with a warning naming the header of "reserved_bad_actor"
    And the agent app of "Alice" does not ring
