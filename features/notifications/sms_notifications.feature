Feature: An SMS to the agent for each call offered to her
  Source: seed 004_74c1cbcc28441707.txt (help-center article, French), "Paramètres des appels
  et des chats", notifications. With SMS notifications on, an incoming call sends an SMS to the
  phone number in the agent's profile. Reference choice: one SMS for each call offered to that
  agent, naming the caller and the line; an agent with them off gets none.

  Background:
    Given a number "Support" in the account
    And agents "Alice" and "Bruno" with SIP phones
    And "Alice" is in the Ring to widget of "Support"
    And "Bruno" is in the Ring to widget of "Support"

  @CC-NTF-6 @needs:notifications @needs:consumer
  Scenario: Alice, with SMS notifications on, gets one SMS per call offered to her; Bruno none
    Given "Alice" has SMS notifications on for the phone number in her profile
    And "Bruno" has SMS notifications off
    When a customer calls "Support"
    Then the phones of "Alice" and "Bruno" ring
    When the customer hangs up
    And a customer calls "Support"
    Then the phones of "Alice" and "Bruno" ring
    When the customer hangs up
    Then the phone in "Alice"'s profile gets 2 SMS naming "Support"
    And the phone in "Bruno"'s profile gets no SMS
