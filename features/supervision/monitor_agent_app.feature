Feature: An agent in the agent app cannot tell that her call is monitored
  Source: seed 004 (monitoring live calls and chats), REQUIREMENTS.md CC-MON-1 and CC-MON-2, with
  the agent taking the call in the agent app (Chromium, WebRTC audio) rather than on a SIP
  phone: the supervisor hears the customer and the agent, the agent's audio goes on, and the
  app gets no event, no SIP message and no new action while the supervisor listens.

  Background:
    Given a number "Support" in the account
    And an agent "Alice" with a browser
    And "Alice" is in the Ring to widget of "Support"
    And a supervisor "Sofia" with a SIP phone

  @CC-MON-1 @CC-MON-2 @needs:supervision @needs:desktop
  Scenario: A supervisor listens to a call taken in the agent app; the app shows nothing new
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Sofia" monitors the call from her SIP phone
    Then "Sofia" hears the customer and "Alice" within 1000 ms
    And the customer and "Alice" keep hearing each other for 2 seconds
    And nothing reveals the monitoring by "Sofia" to "Alice" or to the customer
    And the agent app of "Alice" offers Mute, Hold, Transfer, Keypad and Hang up during the call
