Feature: The agent's whisper and countdown before a call starts
  Source: seed 004_74c1cbcc28441707.txt (help-center article, French), "Paramètres des appels
  et des chats", whisper and countdown. With the whisper on, once a call is assigned the agent
  hears "{call type} from {queue name}" before the caller is on the line, at the playback speed
  the account sets; with the countdown on she then hears "Your turn! The call starts in 3, 2, 1".
  The customer hears neither, and their duration counts in the call's wait time. Reference
  choice: a call dialled straight to a number is a "Phone call", and its queue is the number.

  Background:
    Given a number "Support" in the account
    And a number "Sales" in the account
    And agents "Alice" with SIP phones
    And "Alice" is in the Ring to widget of "Support"

  @CC-NTF-1 @needs:notifications
  Scenario: Alice hears the call type and the queue before the customer, who hears none of it
    Given the whisper is on
    When a customer calls "Support"
    And "Alice" answers the call
    Then "Alice" hears the whisper for "Support" before the customer
    And the customer hears neither the whisper nor the countdown

  @CC-NTF-2 @needs:notifications
  Scenario: The whisper plays at the speed the account sets and counts in the wait time
    Given the whisper is on at 320 words per minute
    When a customer calls "Support"
    And "Alice" answers the call
    Then "Alice" hears the whisper for "Support" before the customer
    And the call's wait time includes the agent's prompts within 300 ms

  @CC-NTF-3 @needs:notifications
  Scenario: The countdown follows the whisper and counts in the wait time too
    Given the whisper is on at 320 words per minute with the countdown
    When a customer calls "Support"
    And "Alice" answers the call
    Then "Alice" hears the whisper for "Support" and the countdown before the customer
    And the customer hears neither the whisper nor the countdown
    And the call's wait time includes the agent's prompts within 300 ms
