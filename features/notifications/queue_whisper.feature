Feature: A queue's own whisper, played to the agent before the call starts
  Source: seed 004_74c1cbcc28441707.txt (help-center article, French), "Paramètres des appels
  et des chats", queue settings. A queue (IVR, mobile or web) can whisper to the agent, before
  the call starts, its name, a text spoken by text-to-speech or an uploaded recording, at its own
  playback speed, with or without the countdown. It replaces the account's whisper for calls
  that reach the queue.

  Background:
    Given a number "Help line" in the account
    And agents "Alice" and "Bruno" with SIP phones
    And the IVR of "Help line" is:
      | queue   | parent | digit | agents |
      | Main    |        |       |        |
      | Billing | Main   | 1     | Alice  |
      | Support | Main   | 2     | Bruno  |

  @CC-NTF-1 @needs:notifications @needs:routing
  Scenario: A call that reached its queue through the IVR is whispered as an IVR call from that queue
    Given the whisper is on
    When a customer calls "Help line" and the IVR answers
    And the customer keys "2"
    And "Bruno" answers the call
    Then "Bruno" hears the whisper of the queue "Support" before the customer
    And the customer hears neither the whisper nor the countdown

  @CC-NTF-8 @CC-NTF-1 @needs:notifications @needs:routing
  Scenario: A queue whispers its own text at its own speed, and the customer hears none of it
    Given the queue "Billing" whispers "A premium customer"
    And the queue "Billing" whispers at 300 words per minute
    When a customer calls "Help line" and the IVR answers
    And the customer keys "1"
    And "Alice" answers the call
    Then "Alice" hears the whisper of the queue "Billing" before the customer
    And the customer hears neither the whisper nor the countdown

  @CC-NTF-8 @CC-NTF-3 @needs:notifications @needs:routing
  Scenario: A queue whispers an uploaded recording, then the countdown, both in the wait time
    Given the queue "Billing" whispers an uploaded recording, with the countdown
    When a customer calls "Help line" and the IVR answers
    And the customer keys "1"
    And "Alice" answers the call
    Then "Alice" hears the whisper of the queue "Billing" and the countdown before the customer
    And the call's wait time includes the agent's prompts within 300 ms
