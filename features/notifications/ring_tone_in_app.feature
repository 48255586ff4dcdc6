Feature: The agent app plays the incoming-call tone, once or every N seconds
  Source: seed 004_74c1cbcc28441707.txt (help-center article, French), "Paramètres des appels
  et des chats", notifications. The incoming-call tone is selectable (a built-in or an uploaded
  tone); it plays once, or repeats every N seconds until the agent takes the call or no call is
  waiting. The app lists each start of the tone, which the scenarios read from the page.

  Background:
    Given a number "Support" in the account
    And an agent "Alice" with a browser
    And "Alice" is in the Ring to widget of "Support"

  @CC-NTF-5 @CC-NTF-4 @needs:desktop @needs:notifications
  Scenario: The chosen tone repeats every 2 seconds until Alice takes the call
    Given the admin chooses "Chime" as the incoming-call tone, repeated every 2 seconds
    When a customer calls "Support"
    Then the agent app of "Alice" plays the tone "Chime" 2 times, every 2 seconds
    When "Alice" answers the call
    Then the agent app of "Alice" plays no more tone for 3 seconds

  @CC-NTF-5 @CC-NTF-4 @needs:desktop @needs:notifications
  Scenario: The tone stops repeating when no call is waiting any more
    Given the admin chooses "Digital" as the incoming-call tone, repeated every 2 seconds
    When a customer calls "Support"
    Then the agent app of "Alice" plays the tone "Digital"
    When the customer hangs up
    Then the agent app of "Alice" plays no more tone for 3 seconds

  @CC-NTF-5 @CC-NTF-4 @CC-NTF-9 @needs:desktop @needs:notifications
  Scenario: An uploaded tone plays once, and not again while the call waits
    Given the admin uploads an MP3 file as the tone "Jingle"
    And the admin chooses "Jingle" as the incoming-call tone
    When a customer calls "Support"
    Then the agent app of "Alice" plays the tone "Jingle" once, not again within 3 seconds
    When the customer hangs up
