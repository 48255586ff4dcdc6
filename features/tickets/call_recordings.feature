Feature: Call recordings in tickets
  Source: seed 001_7595d3d888c238ca.txt (help-center article, French), "À propos des tickets
  créés à partir des appels". When configured, the ticket holds a recording of the call. An
  administrator can stop users from accessing call recordings; when access is allowed, the link
  in the notification email plays the recording. Recordings can be deleted from a ticket.

  Background:
    Given a number "Support" in the account
    And agents "Alice" with SIP phones
    And "Alice" is in the Ring to widget of "Support"
    And calls are recorded

  @ZT-TKT-12 @needs:tickets @needs:recordings
  Scenario: The recording in the ticket holds the audio of both parties
    When a customer calls "Support"
    And "Alice" answers the call
    Then a ticket is created for the call
    And the customer and "Alice" hear each other within 500 ms of the answer
    And the customer and "Alice" keep hearing each other for 1 seconds
    When the customer hangs up
    Then the ticket holds the recording of the call with the audio of the customer and "Alice"

  @ZT-TKT-14 @ZT-TKT-15 @needs:tickets @needs:recordings
  Scenario Outline: The link in the notification email plays the recording only when the admin allows it (<choice>)
    Given an administrator "Maria"
    And the admin <choice> users to play recordings
    And ticket notifications are emailed to the support team
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    And the customer and "Alice" keep hearing each other for 1 seconds
    When the customer hangs up
    Then the link of the notification email, followed by "Alice", <outcome>

    Examples:
      | choice  | outcome                                          |
      | allows  | plays the audio of the customer and "Alice"      |
      | forbids | is refused                                       |

  @ZT-TKT-14 @needs:tickets @needs:recordings
  Scenario: When the admin forbids playing recordings, no user can play them, the admin neither
    Given an administrator "Maria"
    And the admin forbids users to play recordings
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When the customer hangs up
    Then no user can play the call's recording: "Alice" and "Maria" are refused

  @ZT-TKT-16 @needs:tickets @needs:recordings
  Scenario: A recording is deleted from its ticket; deleting it again is refused and changes nothing
    Given an administrator "Maria"
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When the customer hangs up
    And "Maria" deletes the call's recording from the ticket
    Then the recording is deleted: the ticket marks it and "Maria" cannot play it
    When "Maria" deletes the call's recording from the ticket again
    Then the deletion is refused saying the recording was already deleted, and nothing changes

  @ZT-TKT-12 @needs:tickets @needs:recordings @needs:outbound
  Scenario: The recording of an outbound call holds the audio of both parties too
    Given the customer's phone is reached through the carrier
    When "Alice" calls the customer from "Support"
    And the customer answers
    Then the customer and "Alice" hear each other within 500 ms of the customer's answer
    And the customer and "Alice" keep hearing each other for 1 seconds
    When "Alice" hangs up
    Then the ticket holds the recording of the call with the audio of the customer and "Alice"
