Feature: Listening to a live call without joining it
  Source: seed 004 (monitoring live calls and chats), REQUIREMENTS.md CC-MON-1 to CC-MON-4.
  Supervisors listen to live calls without joining the session or interrupting the customer and
  the agent: the contact center calls the supervisor's SIP phone and she hears both of them;
  they do not hear her and keep hearing each other; the agent cannot tell that the call is
  monitored. Several users can monitor the same call at once; stopping ends only the listener's
  leg. Monitoring needs a role with the monitoring permission.

  Background:
    Given a number "Support" in the account
    And agents "Alice" and "Bruno" with SIP phones
    And "Alice" is in the Ring to widget of "Support"
    And a supervisor "Sofia" with a SIP phone

  @CC-MON-1 @CC-MON-2 @needs:supervision
  Scenario: A supervisor listens to a connected call from her SIP phone, unheard and unnoticed
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Sofia" monitors the call from her SIP phone
    Then "Sofia" hears the customer and "Alice" within 1000 ms
    And the customer and "Alice" keep hearing each other for 2 seconds
    And neither the customer nor "Alice" hears "Sofia"
    And nothing reveals the monitoring by "Sofia" to "Alice" or to the customer
    When "Sofia" stops monitoring
    Then the contact center ends the leg of "Sofia" within 1000 ms
    And the customer and "Alice" keep hearing each other for 1 seconds

  @CC-MON-3 @CC-MON-1 @needs:supervision
  Scenario: Two supervisors listen to the same call at once; one stops, the other goes on
    Given a supervisor "Tomas" with a SIP phone
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Sofia" monitors the call from her SIP phone
    And "Tomas" monitors the call from her SIP phone
    Then "Sofia" hears the customer and "Alice" within 1000 ms
    And "Tomas" hears the customer and "Alice" within 1000 ms
    And nothing reveals the monitoring by "Sofia" and "Tomas" to "Alice" or to the customer
    When "Sofia" stops monitoring
    Then the contact center ends the leg of "Sofia" within 1000 ms
    And "Tomas" keeps hearing the call for 1 seconds
    And the customer and "Alice" keep hearing each other for 1 seconds

  @CC-MON-4 @needs:supervision
  Scenario: An agent, whose role lacks the monitoring permission, cannot listen
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Bruno" tries to monitor the call
    Then monitoring by "Bruno" is refused naming "monitor.calls"
    And the customer and "Alice" keep hearing each other for 1 seconds

  @CC-MON-4 @CC-MON-1 @needs:supervision
  Scenario: A manager listens to her team's calls only
    Given managers "Marc" and "Nadia" with SIP phones
    And a team "Sales" with "Alice" and "Marc"
    And a team "Billing" with "Bruno" and "Nadia"
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Nadia" tries to monitor the call
    Then monitoring by "Nadia" is refused naming "assigned teams only"
    When "Marc" monitors the call from her SIP phone
    Then "Marc" hears the customer and "Alice" within 1000 ms

  @CC-MON-1 @CC-END-1 @needs:supervision
  Scenario: Ending a monitored call ends the listener's leg too
    Given an admin "Diane" in the account
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Sofia" monitors the call from her SIP phone
    Then "Sofia" hears the customer and "Alice" within 1000 ms
    When "Diane" ends the call from the Connected page
    Then the contact center ends the call of the customer and of "Alice" within 1000 ms
    And the contact center ends the leg of "Sofia" within 1000 ms

  @CC-MON-1 @CC-MON-4 @needs:supervision @needs:access
  Scenario: A custom role with the monitoring permission added listens; the role without it cannot
    Given a custom role "Coach": agent with "monitor.calls" added
    And a user "Quentin" with the role "Coach" and a SIP phone
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Bruno" tries to monitor the call
    Then monitoring by "Bruno" is refused naming "monitor.calls"
    When "Quentin" monitors the call from her SIP phone
    Then "Quentin" hears the customer and "Alice" within 1000 ms

  @CC-MON-1 @needs:supervision
  Scenario: A call still ringing cannot be monitored yet
    When a customer calls "Support"
    Then the phone of "Alice" rings
    When "Sofia" tries to monitor the call
    Then monitoring by "Sofia" is refused naming "only a connected call"

  @CC-MON-1 @needs:supervision
  Scenario: A supervisor with no SIP phone registered is told so, and the call goes on
    Given a supervisor "Sam" in the account
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Sam" tries to monitor the call
    Then monitoring by "Sam" is refused naming "no SIP phone registered"
    And the customer and "Alice" keep hearing each other for 1 seconds
