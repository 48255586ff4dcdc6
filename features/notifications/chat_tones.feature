Feature: Chat notifications in the agent app: the new-chat tone and the new-message tone
  Source: seed 004_74c1cbcc28441707.txt (help-center article, French), "Paramètres des appels
  et des chats", notifications; REQUIREMENTS.md CC-NTF-7. A new-chat tone plays once, or
  repeats every N seconds until the agent takes the chat or no chat is waiting; a new-message
  tone plays for each message of the customer. The app lists each start of a chat tone, which
  the scenarios read from the page.

  Background:
    Given a consumer queue "Support" answered by "Alice" and "Bruno"
    And "Alice" is signed in to the agent app

  @CC-NTF-7 @needs:chats @needs:desktop @needs:notifications @needs:consumer
  Scenario: The new-chat tone repeats until Alice takes the chat; each message plays the message tone
    Given the admin chooses "Chime" as the new-chat tone, repeated every 2 seconds, and "Digital" as the new-message tone
    When a customer starts a chat on the queue "Support"
    Then the agent app of "Alice" plays the new-chat tone "Chime" 2 times, every 2 seconds
    When "Alice" accepts the chat in the agent app
    Then the agent app of "Alice" plays no more new-chat tone for 3 seconds
    When the customer writes "Is anyone there?"
    Then the agent app of "Alice" plays the new-message tone "Digital"

  @CC-NTF-7 @needs:chats @needs:desktop @needs:notifications @needs:consumer
  Scenario: Played once, the new-chat tone does not start again while the chat waits, nor after it ends
    Given the admin chooses "Classic" as the new-chat tone, played once, and "Digital" as the new-message tone
    When a customer starts a chat on the queue "Support"
    Then the agent app of "Alice" plays the new-chat tone "Classic"
    And the agent app of "Alice" plays no more new-chat tone for 3 seconds

  @CC-NTF-7 @needs:chats @needs:desktop @needs:notifications @needs:consumer
  Scenario: The repeating new-chat tone stops when no chat is waiting any more
    Given the admin chooses "Digital" as the new-chat tone, repeated every 2 seconds, and "Chime" as the new-message tone
    When a customer starts a chat on the queue "Support"
    Then the agent app of "Alice" plays the new-chat tone "Digital"
    When the customer ends the chat
    Then the agent app of "Alice" plays no more new-chat tone for 3 seconds

  @CC-NTF-7 @needs:chats @needs:desktop @needs:notifications @needs:consumer
  Scenario: Each message of the customer plays the message tone; Alice answers and ends the chat in the app
    Given the admin chooses "Classic" as the new-chat tone, played once, and "Chime" as the new-message tone
    When a customer starts a chat on the queue "Support"
    Then the agent app of "Alice" plays the new-chat tone "Classic"
    When "Alice" accepts the chat in the agent app
    And the customer writes "Hello?"
    Then the agent app of "Alice" plays the new-message tone "Chime"
    And the agent app of "Alice" shows the message "Hello?"
    When "Alice" writes "Hello, how can I help?" in the agent app
    Then the customer reads "Hello, how can I help?" in the chat
    When the customer writes "My invoice"
    Then the agent app of "Alice" plays the new-message tone "Chime" 2 times
    When "Alice" ends the chat in the agent app
    Then the customer is told the chat was ended by the agent
