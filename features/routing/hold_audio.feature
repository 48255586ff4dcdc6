Feature: Hold audio while a call waits in the queue
  Source: seed 001_7595d3d888c238ca.txt (help-center article, French), "À propos des tickets
  créés à partir des appels": a call's time in the queue is part of the call. A line can play
  hold audio to callers waiting for an agent (reference choice: a line setting, off by
  default): whether the number rings its agents directly or the caller reached a leaf queue
  through the IVR, the caller hears the hold audio while the agents ring, and it stops when an
  agent answers.

  Background:
    Given agents "Alice" and "Bruno" with SIP phones

  @ZT-TKT-9 @needs:hold_audio
  Scenario: A caller waiting for the agents of a number hears the hold audio until Alice answers
    Given a number "Support" in the account
    And "Alice" is in the Ring to widget of "Support"
    And the line "Support" plays hold audio to waiting callers
    When a customer calls "Support"
    Then the phone of "Alice" rings
    And while queued the customer hears the hold audio
    When "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the agent's answer
    And the hold audio has stopped

  @ZT-TKT-9 @CC-AH-1 @needs:hold_audio @needs:routing
  Scenario: A caller who reached a leaf queue through the IVR hears the hold audio until Alice answers
    Given a number "Help line" in the account
    And the IVR of "Help line" is:
      | queue   | parent | digit | agents |
      | Main    |        |       |        |
      | Billing | Main   | 1     | Alice  |
      | Support | Main   | 2     | Bruno  |
    And the line "Help line" plays hold audio to waiting callers
    When a customer calls "Help line" and the IVR answers
    And the customer keys "1"
    Then the phone of "Alice" rings
    And while queued the customer hears the hold audio
    When "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the agent's answer
    And the hold audio has stopped

  @ZT-TKT-9 @needs:hold_audio
  Scenario: When nobody answers, the contact center ends the call the line answered for the hold audio
    Given a number "Support" in the account
    And the call distribution of "Support" is:
      | widget | ring time | strategy     | members |
      | 1      | 2         | simultaneous | Alice   |
    And the line "Support" plays hold audio to waiting callers
    When a customer calls "Support"
    Then while queued the customer hears the hold audio
    And the contact center ends the call within 5 seconds once nobody answered
    And the call is logged as Missed
