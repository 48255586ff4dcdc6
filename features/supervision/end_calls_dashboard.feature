Feature: Ending a live call on the dashboard's monitoring pages
  Source: seed 004 (monitoring live calls and chats), REQUIREMENTS.md CC-END-1 and CC-END-2, the
  way an admin or a manager does it in the dashboard: Calls > Queued or Calls > Connected, the
  call's Actions > End call, then Confirm. The customer's call and the agent's are ended by the
  contact center. A manager may end only the calls of the teams she is assigned to: for another
  team's call the page says why it was not done, and the call goes on.

  Background:
    Given a number "Support" in the account
    And agents "Alice" and "Bruno" with SIP phones
    And a team "Sales" with "Alice"
    And the team "Sales" is in the Ring to widget of "Support"

  @CC-END-1 @CC-END-2 @needs:supervision @needs:dashboard
  Scenario: An admin ends a connected call: Connected > Actions > End call > Confirm
    Given an admin "Diane" is signed in to the dashboard
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Diane" ends the call on the dashboard's Connected page
    Then the contact center ends the call of the customer and of "Alice" within 1000 ms
    And the call is logged as Answered and ended by "Diane"

  @CC-END-1 @needs:supervision @needs:dashboard
  Scenario: An admin ends a call still waiting in the queue: Queued > Actions > End call > Confirm
    Given an admin "Diane" is signed in to the dashboard
    When a customer calls "Support"
    Then the phone of "Alice" rings
    When "Diane" ends the call on the dashboard's Queued page
    Then the contact center ends the call of the customer and of "Alice" within 1000 ms
    And the call is logged as Missed and ended by "Diane"

  @CC-END-2 @needs:supervision @needs:dashboard
  Scenario: A manager of another team is told why the call was not ended, and it goes on
    Given a manager "Nadia" is signed in to the dashboard
    And a team "Billing" with "Bruno" and "Nadia"
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Nadia" tries to end the call on the dashboard's Connected page
    Then ending the call is refused naming "assigned teams only", and the call goes on
    And the customer and "Alice" keep hearing each other for 1 seconds
