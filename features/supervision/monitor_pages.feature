Feature: Monitoring calls from the dashboard's Connected page
  Source: seed 004 (monitoring live calls and chats), REQUIREMENTS.md CC-MON-5 and CC-MON-7.
  Calls > Connected lists the live calls; a call's Actions > Monitor starts listening (the
  contact center calls the user's phone), Stop monitoring ends it. Actions > Call details opens
  the call details pop-up: the call's metrics, its transfer information and its participants,
  and Listen for a role allowed to monitor; the X closes it.

  Background:
    Given a number "Support" in the account
    And agents "Alice" and "Bruno" with SIP phones
    And "Alice" is in the Ring to widget of "Support"
    And an admin "Diane" is signed in to the dashboard
    And "Diane" has a SIP phone registered

  @CC-MON-7 @CC-MON-1 @CC-MON-2 @needs:supervision @needs:dashboard
  Scenario: Connected > Actions > Monitor, then Stop monitoring
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Diane" monitors the call from the dashboard's Connected page
    Then "Diane" hears the customer and "Alice" within 1000 ms
    And nothing reveals the monitoring by "Diane" to "Alice" or to the customer
    When "Diane" stops monitoring on the dashboard's Connected page
    Then the contact center ends the leg of "Diane" within 1000 ms
    And the customer and "Alice" keep hearing each other for 1 seconds

  @CC-MON-5 @needs:supervision @needs:dashboard
  Scenario: The call details pop-up shows the metrics, the transfers and the participants
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    And the call details "Diane" opens show the metrics, no transfer, the customer and "Alice" as participants, and Listen
    When "Alice" transfers the call to "Bruno"
    And "Bruno" answers the call
    Then the customer and "Bruno" hear each other within 500 ms of the transfer's answer
    And the call details "Diane" opens show the metrics, the transfer from "Alice", the customer and "Bruno" as participants, and Listen

  @CC-MON-8 @needs:supervision @needs:dashboard
  Scenario: Agents > Actions > Monitor, then Stop monitoring
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Diane" monitors "Alice" from the dashboard's Agents page
    Then "Diane" hears the customer and "Alice" within 1000 ms
    When "Diane" stops monitoring "Alice" on the dashboard's Agents page
    Then the contact center ends the leg of "Diane" within 1000 ms
    And the customer and "Alice" keep hearing each other for 1 seconds

  @CC-MON-8 @CC-MON-5 @needs:supervision @needs:dashboard
  Scenario: Agents > Actions > Call details > Listen
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Diane" monitors "Alice" from the dashboard's Agents page through the call details
    Then "Diane" hears the customer and "Alice" within 1000 ms
    And nothing reveals the monitoring by "Diane" to "Alice" or to the customer
