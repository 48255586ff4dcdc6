Feature: Ending a live call from the monitoring pages
  Source: seed 004 (monitoring live calls and chats), REQUIREMENTS.md CC-END-1 and CC-END-2. From
  the Queued and Connected monitoring pages, Actions > End call, then Confirm, ends the session:
  the customer's call is ended by the contact center, and so is the agent's. Ending a call needs
  the Monitor-Chats-Edit permission: administrators have it, managers for the teams they are
  assigned to only, and it can be added to any custom role; anyone else is refused, and the
  call goes on as it was.

  Background:
    Given a number "Support" in the account
    And agents "Alice" and "Bruno" with SIP phones
    And a manager "Marc" in the account
    And a manager "Nadia" in the account
    And a team "Sales" with "Alice" and "Marc"
    And a team "Billing" with "Bruno" and "Nadia"
    And the team "Sales" is in the Ring to widget of "Support"

  @CC-END-1 @CC-END-2 @needs:supervision
  Scenario: An administrator ends a connected call from the Connected page
    Given an admin "Diane" in the account
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Diane" ends the call from the Connected page
    Then the contact center ends the call of the customer and of "Alice" within 1000 ms
    And the call is logged as Answered and ended by "Diane"

  @CC-END-1 @CC-END-2 @needs:supervision
  Scenario: A manager ends a queued call of her team from the Queued page
    When a customer calls "Support"
    Then the phone of "Alice" rings
    When "Marc" ends the call from the Queued page
    Then the contact center ends the call of the customer and of "Alice" within 1000 ms
    And the call is logged as Missed and ended by "Marc"

  @CC-END-2 @needs:supervision
  Scenario: A manager cannot end a call of a team she is not assigned to
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Nadia" tries to end the call from the Connected page
    Then ending the call is refused naming "assigned teams only", and the call goes on
    And the customer and "Alice" keep hearing each other for 1 seconds

  @CC-END-2 @needs:supervision @needs:access
  Scenario: The permission added to a custom role lets its users end any call
    Given a custom role "Quality lead": agent with "monitor.edit" added
    And a user "Quentin" with the role "Quality lead"
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Quentin" ends the call from the Connected page
    Then the contact center ends the call of the customer and of "Alice" within 1000 ms

  @CC-END-2 @needs:supervision
  Scenario Outline: <who> without the permission cannot end a call
    Given <who> "Sam" in the account
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When "Sam" tries to end the call from the Connected page
    Then ending the call is refused naming "monitor.edit", and the call goes on

    Examples:
      | who          |
      | a supervisor |
      | an agent     |

  @CC-END-1 @needs:supervision
  Scenario: A call that has ended cannot be ended again
    Given an admin "Diane" in the account
    When a customer calls "Support"
    And "Alice" answers the call
    Then the customer and "Alice" hear each other within 500 ms of the answer
    When the customer hangs up
    Then the call is logged as Answered by "Alice"
    When "Diane" tries to end the call from the Connected page
    Then ending the call is refused naming "already ended"
